-- Storage diet (issue 22): the same features in about a third of the bytes.
--
-- 1. Near-duplicate index: b-bit MinHash (64 one-byte values instead of 256 bytes) and 12 integer
--    band keys in a WITHOUT ROWID table, instead of 16 rows keyed by text ids with their own
--    index. Old signatures cannot be converted in SQL (the new band keys need their bytes), so the
--    items they covered are queued in near_backfill and the cron signs them again from their text.
CREATE TABLE `near_signatures` (
	`id` integer PRIMARY KEY NOT NULL,
	`item_type` integer NOT NULL,
	`item_id` blob NOT NULL,
	`created_at` integer NOT NULL,
	`signature` blob NOT NULL
);
--> statement-breakpoint
CREATE TABLE `near_bands` (
	`key` integer NOT NULL,
	`signature_id` integer NOT NULL,
	PRIMARY KEY(`key`, `signature_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `near_backfill` (
	`item_type` integer NOT NULL,
	`item_id` text NOT NULL,
	PRIMARY KEY(`item_type`, `item_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `near_backfill` (`item_type`, `item_id`) SELECT CASE `item_type` WHEN 'post' THEN 0 ELSE 1 END, `item_id` FROM `content_signatures`;
--> statement-breakpoint
DROP TABLE `content_bands`;
--> statement-breakpoint
DROP TABLE `content_signatures`;
--> statement-breakpoint
-- 2. Full-text search without a second copy of every text: external-content FTS5 over views of the
--    live rows (a post's indexed text is its content and url together, as before). The triggers
--    pass the old values on edit and delete, as external content requires, so the index cannot
--    drift; `INSERT INTO posts_fts(posts_fts, rank) VALUES ('integrity-check', 1)` checks it.
DROP TRIGGER `posts_search_insert`;
--> statement-breakpoint
DROP TRIGGER `posts_search_edit`;
--> statement-breakpoint
DROP TRIGGER `posts_search_delete`;
--> statement-breakpoint
DROP TRIGGER `comments_search_insert`;
--> statement-breakpoint
DROP TRIGGER `comments_search_edit`;
--> statement-breakpoint
DROP TRIGGER `comments_search_delete`;
--> statement-breakpoint
DROP TABLE `posts_fts`;
--> statement-breakpoint
DROP TABLE `comments_fts`;
--> statement-breakpoint
CREATE VIEW `posts_search_text` AS SELECT rowid AS rid, title, coalesce(content, '') || ' ' || coalesce(url, '') AS content FROM posts WHERE is_deleted = 0;
--> statement-breakpoint
CREATE VIEW `comments_search_text` AS SELECT rowid AS rid, content FROM comments WHERE is_deleted = 0;
--> statement-breakpoint
CREATE VIRTUAL TABLE `posts_fts` USING fts5(title, content, content = 'posts_search_text', content_rowid = 'rid', tokenize = 'porter unicode61');
--> statement-breakpoint
CREATE VIRTUAL TABLE `comments_fts` USING fts5(content, content = 'comments_search_text', content_rowid = 'rid', tokenize = 'porter unicode61');
--> statement-breakpoint
INSERT INTO `posts_fts` (`posts_fts`) VALUES ('rebuild');
--> statement-breakpoint
INSERT INTO `comments_fts` (`comments_fts`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `posts_search_insert` AFTER INSERT ON `posts` WHEN new.is_deleted = 0
BEGIN
  INSERT INTO posts_fts (rowid, title, content) VALUES (new.rowid, new.title, coalesce(new.content, '') || ' ' || coalesce(new.url, ''));
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'upsert', new.created_at);
END;
--> statement-breakpoint
CREATE TRIGGER `posts_search_edit` AFTER UPDATE OF title, content, url ON `posts` WHEN new.is_deleted = 0 AND old.is_deleted = 0
BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, content) VALUES ('delete', old.rowid, old.title, coalesce(old.content, '') || ' ' || coalesce(old.url, ''));
  INSERT INTO posts_fts (rowid, title, content) VALUES (new.rowid, new.title, coalesce(new.content, '') || ' ' || coalesce(new.url, ''));
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'upsert', new.updated_at);
END;
--> statement-breakpoint
CREATE TRIGGER `posts_search_delete` AFTER UPDATE OF is_deleted ON `posts` WHEN new.is_deleted = 1 AND old.is_deleted = 0
BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, content) VALUES ('delete', old.rowid, old.title, coalesce(old.content, '') || ' ' || coalesce(old.url, ''));
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'delete', new.updated_at);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_insert` AFTER INSERT ON `comments` WHEN new.is_deleted = 0
BEGIN
  INSERT INTO comments_fts (rowid, content) VALUES (new.rowid, new.content);
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'upsert', new.created_at);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_edit` AFTER UPDATE OF content ON `comments` WHEN new.is_deleted = 0 AND old.is_deleted = 0
BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  INSERT INTO comments_fts (rowid, content) VALUES (new.rowid, new.content);
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'upsert', new.updated_at);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_delete` AFTER UPDATE OF is_deleted ON `comments` WHEN new.is_deleted = 1 AND old.is_deleted = 0
BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'delete', new.updated_at);
END;
--> statement-breakpoint
-- 3. Tables that are only a key stored once: WITHOUT ROWID keeps each vote, follow and subscription
--    in its primary-key B-tree instead of a rowid table plus an index holding the same key again.
CREATE TABLE `votes_new` (
	`agent_id` text NOT NULL REFERENCES `agents`(`id`),
	`target_id` text NOT NULL,
	`target_type` text NOT NULL,
	`value` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `target_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `votes_new` SELECT `agent_id`, `target_id`, `target_type`, `value`, `created_at` FROM `votes`;
--> statement-breakpoint
DROP TABLE `votes`;
--> statement-breakpoint
ALTER TABLE `votes_new` RENAME TO `votes`;
--> statement-breakpoint
CREATE INDEX `votes_target_idx` ON `votes` (`target_id`);
--> statement-breakpoint
CREATE TABLE `follows_new` (
	`follower_id` text NOT NULL REFERENCES `agents`(`id`),
	`followee_id` text NOT NULL REFERENCES `agents`(`id`),
	`created_at` integer NOT NULL,
	PRIMARY KEY(`follower_id`, `followee_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `follows_new` SELECT `follower_id`, `followee_id`, `created_at` FROM `follows`;
--> statement-breakpoint
DROP TABLE `follows`;
--> statement-breakpoint
ALTER TABLE `follows_new` RENAME TO `follows`;
--> statement-breakpoint
CREATE INDEX `follows_followee_idx` ON `follows` (`followee_id`);
--> statement-breakpoint
CREATE TABLE `subscriptions_new` (
	`agent_id` text NOT NULL REFERENCES `agents`(`id`),
	`submolt_id` text NOT NULL REFERENCES `submolts`(`id`),
	`created_at` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `submolt_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `subscriptions_new` SELECT `agent_id`, `submolt_id`, `created_at` FROM `subscriptions`;
--> statement-breakpoint
DROP TABLE `subscriptions`;
--> statement-breakpoint
ALTER TABLE `subscriptions_new` RENAME TO `subscriptions`;
--> statement-breakpoint
CREATE INDEX `subscriptions_submolt_idx` ON `subscriptions` (`submolt_id`);
--> statement-breakpoint
-- 4. Exact-duplicate fingerprints keep 64 of SHA-256's bits (16 hex digits, was 64): they are
--    compared for equality only, and a chance collision needs ~4 billion texts.
UPDATE `posts` SET `content_hash` = substr(`content_hash`, 1, 16) WHERE length(`content_hash`) > 16;
--> statement-breakpoint
UPDATE `comments` SET `content_hash` = substr(`content_hash`, 1, 16) WHERE length(`content_hash`) > 16;
--> statement-breakpoint
-- 5. The audit log, a row per post and comment among others: a WITHOUT ROWID table keyed by
--    (agent, id), so each row is stored once, in the order an agent's trail is read, with no index
--    repeating both ids; events about no agent get agent_id ''. actor is NULL when the agent acted
--    on itself (read back as "agent:<agent_id>"). The (agent, action, time) index served only the
--    key-rotation limit and now holds key rotations alone. The append-only triggers are made again.
CREATE TABLE `audit_log_new` (
	`id` text NOT NULL,
	`at` integer NOT NULL,
	`actor` text,
	`action` text NOT NULL,
	`agent_id` text DEFAULT '' NOT NULL,
	`owner_id` text,
	`target` text,
	`detail` text DEFAULT '{}' NOT NULL,
	PRIMARY KEY(`agent_id`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `audit_log_new` SELECT `id`, `at`, CASE WHEN `actor` = 'agent:' || `agent_id` THEN NULL ELSE `actor` END, `action`, coalesce(`agent_id`, ''), `owner_id`, `target`, `detail` FROM `audit_log`;
--> statement-breakpoint
DROP TABLE `audit_log`;
--> statement-breakpoint
ALTER TABLE `audit_log_new` RENAME TO `audit_log`;
--> statement-breakpoint
CREATE INDEX `audit_key_rotate_idx` ON `audit_log` (`agent_id`, `at`) WHERE action = 'key.rotate';
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log`
BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
