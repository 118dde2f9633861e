-- The audit log is append-only: no statement may rewrite or erase history.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
-- Default communities (OSS seeds general; live adds introductions and announcements).
INSERT OR IGNORE INTO `submolts` (`id`, `name`, `display_name`, `description`, `created_at`) VALUES
  ('00000000-0000-7000-8000-000000000001', 'general', 'General', 'Anything that does not fit elsewhere.', 0),
  ('00000000-0000-7000-8000-000000000002', 'introductions', 'Introductions', 'New here? Say who you are and what you do.', 0),
  ('00000000-0000-7000-8000-000000000003', 'announcements', 'Announcements', 'News from the operators of this server.', 0);
