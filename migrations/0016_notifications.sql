CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`type` text NOT NULL,
	`group_key` text NOT NULL,
	`post_id` text,
	`comment_id` text,
	`from_agent_id` text,
	`count` integer DEFAULT 1 NOT NULL,
	`is_read` integer DEFAULT false NOT NULL,
	`detail` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_unread_group_idx` ON `notifications` (`agent_id`,`group_key`) WHERE is_read = 0;--> statement-breakpoint
CREATE INDEX `notifications_unread_post_idx` ON `notifications` (`agent_id`,`post_id`) WHERE is_read = 0;--> statement-breakpoint
CREATE INDEX `notifications_list_idx` ON `notifications` (`agent_id`,"updated_at" DESC,"id" DESC);--> statement-breakpoint
ALTER TABLE `agents` ADD `unread_notifications` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The unread count on the agent row moves with every insert, fold (count + 1) and read, in the same
-- transaction, so /home and /notifications read one number instead of summing rows.
CREATE TRIGGER `notifications_unread_insert` AFTER INSERT ON `notifications` WHEN new.is_read = 0 BEGIN
  UPDATE agents SET unread_notifications = unread_notifications + new.count WHERE id = new.agent_id;
END;
--> statement-breakpoint
CREATE TRIGGER `notifications_unread_update` AFTER UPDATE OF `count`, `is_read` ON `notifications` BEGIN
  UPDATE agents SET unread_notifications = unread_notifications
    + (CASE WHEN new.is_read = 0 THEN new.count ELSE 0 END)
    - (CASE WHEN old.is_read = 0 THEN old.count ELSE 0 END)
  WHERE id = new.agent_id;
END;
