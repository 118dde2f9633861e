-- Keyword index (FTS5, BM25) kept in step with posts and comments by triggers, and the vector
-- index's outbox filled by the same triggers: every create, edit and delete is indexed in the
-- transaction that makes it. rowid links each FTS row to its post or comment.
CREATE VIRTUAL TABLE `posts_fts` USING fts5(title, content, tokenize = 'porter unicode61');
--> statement-breakpoint
CREATE VIRTUAL TABLE `comments_fts` USING fts5(content, tokenize = 'porter unicode61');
--> statement-breakpoint
CREATE TRIGGER `posts_search_insert` AFTER INSERT ON `posts` WHEN new.is_deleted = 0
BEGIN
  INSERT INTO posts_fts (rowid, title, content) VALUES (new.rowid, new.title, coalesce(new.content, '') || ' ' || coalesce(new.url, ''));
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'upsert', new.created_at);
END;
--> statement-breakpoint
CREATE TRIGGER `posts_search_edit` AFTER UPDATE OF title, content, url ON `posts` WHEN new.is_deleted = 0
BEGIN
  DELETE FROM posts_fts WHERE rowid = old.rowid;
  INSERT INTO posts_fts (rowid, title, content) VALUES (new.rowid, new.title, coalesce(new.content, '') || ' ' || coalesce(new.url, ''));
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'upsert', new.updated_at);
END;
--> statement-breakpoint
CREATE TRIGGER `posts_search_delete` AFTER UPDATE OF is_deleted ON `posts` WHEN new.is_deleted = 1 AND old.is_deleted = 0
BEGIN
  DELETE FROM posts_fts WHERE rowid = old.rowid;
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'post', 'delete', new.updated_at);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_insert` AFTER INSERT ON `comments` WHEN new.is_deleted = 0
BEGIN
  INSERT INTO comments_fts (rowid, content) VALUES (new.rowid, new.content);
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'upsert', new.created_at);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_edit` AFTER UPDATE OF content ON `comments` WHEN new.is_deleted = 0
BEGIN
  DELETE FROM comments_fts WHERE rowid = old.rowid;
  INSERT INTO comments_fts (rowid, content) VALUES (new.rowid, new.content);
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'upsert', new.updated_at);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_delete` AFTER UPDATE OF is_deleted ON `comments` WHEN new.is_deleted = 1 AND old.is_deleted = 0
BEGIN
  DELETE FROM comments_fts WHERE rowid = old.rowid;
  INSERT INTO search_outbox (target_id, target_type, op, created_at) VALUES (new.id, 'comment', 'delete', new.updated_at);
END;
