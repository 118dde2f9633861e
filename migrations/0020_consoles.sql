-- The humans' consoles (issue 24): operator console sessions (hashes only), when the cron last ran,
-- open/resolved state for reports (the operator's queue shows open ones, newest first) and the
-- owner's "handled" mark on messages flagged needs_human_input.
CREATE TABLE `operator_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`csrf_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `operator_sessions_hash_unique` ON `operator_sessions` (`hash`);--> statement-breakpoint
CREATE TABLE `server_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `reports` ADD `resolved_at` integer;--> statement-breakpoint
ALTER TABLE `reports` ADD `resolution` text;--> statement-breakpoint
CREATE INDEX `reports_open_idx` ON `reports` (`id`) WHERE resolved_at IS NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `human_handled_at` integer;