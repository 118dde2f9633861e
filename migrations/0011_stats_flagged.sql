ALTER TABLE `daily_stats` ADD `flagged` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `agents_active_idx` ON `agents` (`last_active`);--> statement-breakpoint
-- The insert triggers of 0008 now also count flagged items.
DROP TRIGGER `stats_post_insert`;
--> statement-breakpoint
CREATE TRIGGER `stats_post_insert` AFTER INSERT ON `posts` BEGIN
  INSERT OR IGNORE INTO daily_stats (day) VALUES (new.created_at / 86400000);
  UPDATE daily_stats SET posts = posts + 1,
    duplicates = duplicates + (new.content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM posts WHERE content_hash = new.content_hash AND id <> new.id)),
    flagged = flagged + (new.flags <> '[]')
  WHERE day = new.created_at / 86400000;
END;
--> statement-breakpoint
DROP TRIGGER `stats_comment_insert`;
--> statement-breakpoint
CREATE TRIGGER `stats_comment_insert` AFTER INSERT ON `comments` BEGIN
  INSERT OR IGNORE INTO daily_stats (day) VALUES (new.created_at / 86400000);
  UPDATE daily_stats SET comments = comments + 1,
    duplicates = duplicates + (new.content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM comments WHERE content_hash = new.content_hash AND id <> new.id)),
    flagged = flagged + (new.flags <> '[]')
  WHERE day = new.created_at / 86400000;
END;
