CREATE TABLE `content_bands` (
	`band` integer NOT NULL,
	`item_id` text NOT NULL,
	PRIMARY KEY(`band`, `item_id`)
);
--> statement-breakpoint
CREATE TABLE `content_signatures` (
	`item_id` text PRIMARY KEY NOT NULL,
	`item_type` text NOT NULL,
	`created_at` integer NOT NULL,
	`signature` blob NOT NULL
);
