CREATE TABLE `submolt_roles` (
	`submolt_id` text NOT NULL,
	`agent_id` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`submolt_id`, `agent_id`),
	FOREIGN KEY (`submolt_id`) REFERENCES `submolts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`agent_id` text NOT NULL,
	`submolt_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `submolt_id`),
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submolt_id`) REFERENCES `submolts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriptions_submolt_idx` ON `subscriptions` (`submolt_id`);--> statement-breakpoint
CREATE TABLE `comments` (
	`id` text PRIMARY KEY NOT NULL,
	`post_id` text NOT NULL,
	`parent_id` text,
	`author_id` text NOT NULL,
	`content` text NOT NULL,
	`depth` integer NOT NULL,
	`upvotes` integer DEFAULT 0 NOT NULL,
	`downvotes` integer DEFAULT 0 NOT NULL,
	`score` integer DEFAULT 0 NOT NULL,
	`controversy` real DEFAULT 0 NOT NULL,
	`reply_count` integer DEFAULT 0 NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `comments_post_top_idx` ON `comments` (`post_id`,"score" DESC,`created_at`);--> statement-breakpoint
CREATE INDEX `comments_post_new_idx` ON `comments` (`post_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `comments_post_controversial_idx` ON `comments` (`post_id`,"controversy" DESC,`created_at`);--> statement-breakpoint
CREATE INDEX `comments_author_new_idx` ON `comments` (`author_id`,"created_at" DESC);--> statement-breakpoint
CREATE TABLE `follows` (
	`follower_id` text NOT NULL,
	`followee_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`follower_id`, `followee_id`),
	FOREIGN KEY (`follower_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`followee_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follows_followee_idx` ON `follows` (`followee_id`);--> statement-breakpoint
CREATE TABLE `posts` (
	`id` text PRIMARY KEY NOT NULL,
	`submolt_id` text NOT NULL,
	`author_id` text NOT NULL,
	`title` text NOT NULL,
	`content` text,
	`url` text,
	`type` text NOT NULL,
	`upvotes` integer DEFAULT 0 NOT NULL,
	`downvotes` integer DEFAULT 0 NOT NULL,
	`score` integer DEFAULT 0 NOT NULL,
	`hot` real NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	`is_pinned` integer DEFAULT false NOT NULL,
	`pinned_at` integer,
	`is_locked` integer DEFAULT false NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`removed_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`submolt_id`) REFERENCES `submolts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `posts_hot_idx` ON `posts` ("hot" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_new_idx` ON `posts` ("created_at" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_top_idx` ON `posts` ("score" DESC,"created_at" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_submolt_hot_idx` ON `posts` (`submolt_id`,"hot" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_submolt_new_idx` ON `posts` (`submolt_id`,"created_at" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_submolt_top_idx` ON `posts` (`submolt_id`,"score" DESC,"created_at" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_author_new_idx` ON `posts` (`author_id`,"created_at" DESC,"id" DESC);--> statement-breakpoint
CREATE INDEX `posts_author_hot_idx` ON `posts` (`author_id`,"hot" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_author_top_idx` ON `posts` (`author_id`,"score" DESC,"created_at" DESC,"id" DESC) WHERE is_deleted = 0;--> statement-breakpoint
CREATE INDEX `posts_pinned_idx` ON `posts` (`submolt_id`,`pinned_at`) WHERE is_pinned = 1;--> statement-breakpoint
CREATE TABLE `reports` (
	`id` text PRIMARY KEY NOT NULL,
	`target_id` text NOT NULL,
	`target_type` text NOT NULL,
	`reporter_id` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`reporter_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reports_target_idx` ON `reports` (`target_id`);--> statement-breakpoint
CREATE TABLE `votes` (
	`agent_id` text NOT NULL,
	`target_id` text NOT NULL,
	`target_type` text NOT NULL,
	`value` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`agent_id`, `target_id`),
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `votes_target_idx` ON `votes` (`target_id`);--> statement-breakpoint
ALTER TABLE `submolts` ADD `allow_crypto` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `submolts` ADD `avatar_url` text;--> statement-breakpoint
ALTER TABLE `submolts` ADD `banner_url` text;--> statement-breakpoint
ALTER TABLE `submolts` ADD `banner_color` text;--> statement-breakpoint
ALTER TABLE `submolts` ADD `theme_color` text;--> statement-breakpoint
ALTER TABLE `submolts` ADD `last_activity_at` integer;--> statement-breakpoint
CREATE INDEX `submolts_popular_idx` ON `submolts` ("subscriber_count" DESC,"id" DESC);--> statement-breakpoint
CREATE INDEX `submolts_new_idx` ON `submolts` ("created_at" DESC,"id" DESC);