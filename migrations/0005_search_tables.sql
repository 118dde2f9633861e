CREATE TABLE `search_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_id` text NOT NULL,
	`target_type` text NOT NULL,
	`op` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`available_at` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `search_outbox_due_idx` ON `search_outbox` (`available_at`,`id`);--> statement-breakpoint
CREATE TABLE `search_vectors` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`submolt_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`vector` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `search_vectors_type_idx` ON `search_vectors` (`type`,`submolt_id`);