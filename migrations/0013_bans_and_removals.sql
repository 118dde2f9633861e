CREATE TABLE `submolt_bans` (
	`submolt_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`banned_by` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`submolt_id`, `agent_id`),
	FOREIGN KEY (`submolt_id`) REFERENCES `submolts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `comments` ADD `removed_by` text;--> statement-breakpoint
ALTER TABLE `comments` ADD `removal_reason` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `removal_reason` text;