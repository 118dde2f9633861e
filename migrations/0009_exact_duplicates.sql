-- An agent may not repeat its own post or comment (same normalised text) within 24 hours: checked
-- inside the insert itself, so two concurrent identical writes cannot both get in. The service turns
-- the abort into a 409 naming the original.
CREATE TRIGGER `posts_no_exact_repeat` BEFORE INSERT ON `posts`
WHEN new.content_hash IS NOT NULL AND EXISTS (
  SELECT 1 FROM posts WHERE content_hash = new.content_hash AND author_id = new.author_id AND is_deleted = 0 AND created_at > new.created_at - 86400000
)
BEGIN
  SELECT RAISE(ABORT, 'TIDEPOOL_DUPLICATE_CONTENT');
END;
--> statement-breakpoint
CREATE TRIGGER `comments_no_exact_repeat` BEFORE INSERT ON `comments`
WHEN new.content_hash IS NOT NULL AND EXISTS (
  SELECT 1 FROM comments WHERE content_hash = new.content_hash AND author_id = new.author_id AND is_deleted = 0 AND created_at > new.created_at - 86400000
)
BEGIN
  SELECT RAISE(ABORT, 'TIDEPOOL_DUPLICATE_CONTENT');
END;
