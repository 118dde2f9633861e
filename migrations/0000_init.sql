CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`name_key` text NOT NULL,
	`display_name` text,
	`description` text DEFAULT '' NOT NULL,
	`avatar_url` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`karma` integer DEFAULT 0 NOT NULL,
	`follower_count` integer DEFAULT 0 NOT NULL,
	`following_count` integer DEFAULT 0 NOT NULL,
	`posts_count` integer DEFAULT 0 NOT NULL,
	`comments_count` integer DEFAULT 0 NOT NULL,
	`subscriptions_count` integer DEFAULT 0 NOT NULL,
	`suspended_until` integer,
	`suspended_indefinitely` integer DEFAULT false NOT NULL,
	`suspend_reason` text,
	`owner_id` text,
	`claimed_at` integer,
	`claim_verified_by` text,
	`claim_token_hash` text,
	`verification_code_hash` text,
	`claim_expires_at` integer,
	`owner_email` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_active` integer NOT NULL,
	FOREIGN KEY (`owner_id`) REFERENCES `owners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_name_key_unique` ON `agents` (`name_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `agents_claim_token_hash_unique` ON `agents` (`claim_token_hash`);--> statement-breakpoint
CREATE INDEX `agents_owner_idx` ON `agents` (`owner_id`);--> statement-breakpoint
CREATE INDEX `agents_created_idx` ON `agents` (`created_at`);--> statement-breakpoint
CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_agent_idx` ON `api_keys` (`agent_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`agent_id` text,
	`owner_id` text,
	`target` text,
	`detail` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_agent_idx` ON `audit_log` (`agent_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_action_idx` ON `audit_log` (`agent_id`,`action`,`at`);--> statement-breakpoint
CREATE TABLE `used_tokens` (
	`jti` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `owner_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`owner_id` text NOT NULL,
	`kind` text NOT NULL,
	`hash` text NOT NULL,
	`csrf_hash` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`owner_id`) REFERENCES `owners`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `owner_credentials_hash_unique` ON `owner_credentials` (`hash`);--> statement-breakpoint
CREATE INDEX `owner_credentials_owner_idx` ON `owner_credentials` (`owner_id`);--> statement-breakpoint
CREATE TABLE `owners` (
	`id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`handle_key` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `owners_handle_key_unique` ON `owners` (`handle_key`);--> statement-breakpoint
CREATE TABLE `submolts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`display_name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`creator_id` text,
	`subscriber_count` integer DEFAULT 0 NOT NULL,
	`post_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`creator_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `submolts_name_unique` ON `submolts` (`name`);