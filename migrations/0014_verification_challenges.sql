CREATE TABLE `challenges` (
	`id` text PRIMARY KEY NOT NULL,
	`code_hash` text NOT NULL,
	`answer_hash` text NOT NULL,
	`agent_id` text NOT NULL,
	`content_type` text NOT NULL,
	`content_id` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `challenges_code_hash_unique` ON `challenges` (`code_hash`);--> statement-breakpoint
CREATE INDEX `challenges_agent_idx` ON `challenges` (`agent_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `agents` ADD `verification_failures` integer DEFAULT 0 NOT NULL;