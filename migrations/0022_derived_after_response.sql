-- Derived work after the response (issue 41 §4). A new post or comment now writes, beside itself and
-- its counters, one outbox row (op 'create'); the drain (services/derive.ts) then writes its
-- full-text rows, near-duplicate signature and bands, notifications and daily stats, in one batch
-- per pass that also turns the row into the vector index's 'upsert'. Each of those statements is
-- guarded by the row still being 'create', so a pass that loses a race to another writes nothing.
DROP TRIGGER `posts_search_insert`;--> statement-breakpoint
DROP TRIGGER `comments_search_insert`;--> statement-breakpoint
DROP TRIGGER `posts_search_edit`;--> statement-breakpoint
DROP TRIGGER `posts_search_delete`;--> statement-breakpoint
DROP TRIGGER `comments_search_edit`;--> statement-breakpoint
DROP TRIGGER `comments_search_delete`;--> statement-breakpoint
-- The outbox without AUTOINCREMENT: its sqlite_sequence row was one more row written by every post
-- and comment. Ids may now be reused once the newest row is gone, so every statement that acts on a
-- row it read names the row's target too (store/d1/derive.ts, store/search.ts). Its due index goes:
-- the table is read in id order.
CREATE TABLE `search_outbox_new` (
	`id` integer PRIMARY KEY NOT NULL,
	`target_id` text NOT NULL,
	`target_type` text NOT NULL,
	`op` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`available_at` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);--> statement-breakpoint
INSERT INTO `search_outbox_new` SELECT id, target_id, target_type, op, attempts, last_error, available_at, created_at FROM `search_outbox`;--> statement-breakpoint
DROP TABLE `search_outbox`;--> statement-breakpoint
ALTER TABLE `search_outbox_new` RENAME TO `search_outbox`;--> statement-breakpoint
CREATE TRIGGER `posts_search_insert` AFTER INSERT ON `posts` WHEN new.is_deleted = 0
BEGIN
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'create', new.created_at);
END;--> statement-breakpoint
CREATE TRIGGER `comments_search_insert` AFTER INSERT ON `comments` WHEN new.is_deleted = 0
BEGIN
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'create', new.created_at);
END;--> statement-breakpoint
-- An item still waiting for its 'create' pass has no full-text rows yet: an edit or a deletion must
-- not remove rows that were never added (an external-content FTS5 index would be corrupted); the
-- pass indexes the text as it then is, or nothing if the item is gone.
CREATE TRIGGER `posts_search_edit` AFTER UPDATE OF title, content, url ON `posts` WHEN new.is_deleted = 0 AND old.is_deleted = 0
BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, content) SELECT 'delete', old.rowid, old.title, coalesce(old.content, '') || ' ' || coalesce(old.url, '')
    WHERE NOT EXISTS (SELECT 1 FROM search_outbox WHERE target_id = old.id AND op = 'create');
  INSERT INTO posts_fts (rowid, title, content) SELECT new.rowid, new.title, coalesce(new.content, '') || ' ' || coalesce(new.url, '')
    WHERE NOT EXISTS (SELECT 1 FROM search_outbox WHERE target_id = old.id AND op = 'create');
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'upsert', new.updated_at);
END;--> statement-breakpoint
CREATE TRIGGER `posts_search_delete` AFTER UPDATE OF is_deleted ON `posts` WHEN new.is_deleted = 1 AND old.is_deleted = 0
BEGIN
  INSERT INTO posts_fts (posts_fts, rowid, title, content) SELECT 'delete', old.rowid, old.title, coalesce(old.content, '') || ' ' || coalesce(old.url, '')
    WHERE NOT EXISTS (SELECT 1 FROM search_outbox WHERE target_id = old.id AND op = 'create');
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'delete', new.updated_at);
END;--> statement-breakpoint
CREATE TRIGGER `comments_search_edit` AFTER UPDATE OF content ON `comments` WHEN new.is_deleted = 0 AND old.is_deleted = 0
BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, content) SELECT 'delete', old.rowid, old.content
    WHERE NOT EXISTS (SELECT 1 FROM search_outbox WHERE target_id = old.id AND op = 'create');
  INSERT INTO comments_fts (rowid, content) SELECT new.rowid, new.content
    WHERE NOT EXISTS (SELECT 1 FROM search_outbox WHERE target_id = old.id AND op = 'create');
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'upsert', new.updated_at);
END;--> statement-breakpoint
CREATE TRIGGER `comments_search_delete` AFTER UPDATE OF is_deleted ON `comments` WHEN new.is_deleted = 1 AND old.is_deleted = 0
BEGIN
  INSERT INTO comments_fts (comments_fts, rowid, content) SELECT 'delete', old.rowid, old.content
    WHERE NOT EXISTS (SELECT 1 FROM search_outbox WHERE target_id = old.id AND op = 'create');
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'delete', new.updated_at);
END;--> statement-breakpoint
-- Daily stats of posts and comments are counted by the pass (with the near-duplicate flag it sets).
DROP TRIGGER `stats_post_insert`;--> statement-breakpoint
DROP TRIGGER `stats_comment_insert`;--> statement-breakpoint
-- Exact duplicates across the network (the daily stats) are counted from a fingerprint table the
-- pass writes, so the items' content_hash columns need no index: an author's own repeat (the
-- trigger of 0009) is found through the author's recent posts or comments (posts_author_new_idx,
-- comments_author_new_idx; an author writes a bounded number a day).
CREATE TABLE `content_fingerprints` (
	`item_type` integer NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`item_type`, `hash`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT OR IGNORE INTO content_fingerprints (item_type, hash) SELECT 0, content_hash FROM posts WHERE content_hash IS NOT NULL;--> statement-breakpoint
INSERT OR IGNORE INTO content_fingerprints (item_type, hash) SELECT 1, content_hash FROM comments WHERE content_hash IS NOT NULL;--> statement-breakpoint
-- D1 bills each index entry written as a row. These bought nothing a write should pay for on every
-- item or vote: the fingerprints above stand for the content hash indexes, and nothing reads votes
-- by target alone (search_outbox_due_idx went with the old table above).
DROP INDEX `posts_content_hash_idx`;--> statement-breakpoint
DROP INDEX `comments_content_hash_idx`;--> statement-breakpoint
DROP INDEX `votes_target_idx`;
