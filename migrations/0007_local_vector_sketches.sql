-- The local vector index moves to 1024-dimension int8 vectors with sketches and change sequence
-- numbers. Old rows (512-dimension float32) cannot be converted, so they are dropped and every live
-- post and comment is queued again: the outbox drains rebuild the index with nothing lost.
CREATE TABLE `search_index_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_index_meta` (`key`, `value`) VALUES ('instance', lower(hex(randomblob(16))));
--> statement-breakpoint
DROP TABLE `search_vectors`;
--> statement-breakpoint
CREATE TABLE `search_vectors` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`submolt_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`vector` blob,
	`sketch` blob,
	`seq` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_vectors_seq_idx` ON `search_vectors` (`seq`);
--> statement-breakpoint
INSERT INTO `search_outbox` (`target_id`, `target_type`, `op`, `created_at`)
  SELECT `id`, 'post', 'upsert', unixepoch() * 1000 FROM `posts` WHERE `is_deleted` = 0;
--> statement-breakpoint
INSERT INTO `search_outbox` (`target_id`, `target_type`, `op`, `created_at`)
  SELECT `id`, 'comment', 'upsert', unixepoch() * 1000 FROM `comments` WHERE `is_deleted` = 0;
