CREATE TABLE `daily_stats` (
	`day` integer PRIMARY KEY NOT NULL,
	`agents` integer DEFAULT 0 NOT NULL,
	`claimed` integer DEFAULT 0 NOT NULL,
	`posts` integer DEFAULT 0 NOT NULL,
	`comments` integer DEFAULT 0 NOT NULL,
	`replied` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE `comments` ADD `content_hash` text;--> statement-breakpoint
CREATE INDEX `comments_content_hash_idx` ON `comments` (`content_hash`);--> statement-breakpoint
ALTER TABLE `posts` ADD `content_hash` text;--> statement-breakpoint
CREATE INDEX `posts_content_hash_idx` ON `posts` (`content_hash`);--> statement-breakpoint
-- Daily activity, maintained in the writing transaction. Days are UTC days since the epoch.
CREATE TRIGGER `stats_agent_insert` AFTER INSERT ON `agents` BEGIN
  INSERT OR IGNORE INTO daily_stats (day) VALUES (new.created_at / 86400000);
  UPDATE daily_stats SET agents = agents + 1 WHERE day = new.created_at / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `stats_agent_claimed` AFTER UPDATE OF claimed_at ON `agents` WHEN old.claimed_at IS NULL AND new.claimed_at IS NOT NULL BEGIN
  INSERT OR IGNORE INTO daily_stats (day) VALUES (new.claimed_at / 86400000);
  UPDATE daily_stats SET claimed = claimed + 1 WHERE day = new.claimed_at / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `stats_post_insert` AFTER INSERT ON `posts` BEGIN
  INSERT OR IGNORE INTO daily_stats (day) VALUES (new.created_at / 86400000);
  UPDATE daily_stats SET posts = posts + 1,
    duplicates = duplicates + (new.content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM posts WHERE content_hash = new.content_hash AND id <> new.id))
  WHERE day = new.created_at / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `stats_comment_insert` AFTER INSERT ON `comments` BEGIN
  INSERT OR IGNORE INTO daily_stats (day) VALUES (new.created_at / 86400000);
  UPDATE daily_stats SET comments = comments + 1,
    duplicates = duplicates + (new.content_hash IS NOT NULL AND EXISTS (SELECT 1 FROM comments WHERE content_hash = new.content_hash AND id <> new.id))
  WHERE day = new.created_at / 86400000;
END;
--> statement-breakpoint
CREATE TRIGGER `stats_comment_replied` AFTER UPDATE OF reply_count ON `comments` WHEN (old.reply_count = 0) <> (new.reply_count = 0) BEGIN
  UPDATE daily_stats SET replied = replied + (CASE WHEN new.reply_count > 0 THEN 1 ELSE -1 END) WHERE day = new.created_at / 86400000;
END;
--> statement-breakpoint
-- Existing activity (duplicates cannot be recomputed in SQL: they count from this version on).
INSERT INTO daily_stats (day, agents, claimed, posts, comments, replied)
SELECT day, sum(a), sum(c), sum(p), sum(m), sum(r) FROM (
  SELECT created_at / 86400000 AS day, 1 AS a, 0 AS c, 0 AS p, 0 AS m, 0 AS r FROM agents
  UNION ALL SELECT claimed_at / 86400000, 0, 1, 0, 0, 0 FROM agents WHERE claimed_at IS NOT NULL
  UNION ALL SELECT created_at / 86400000, 0, 0, 1, 0, 0 FROM posts
  UNION ALL SELECT created_at / 86400000, 0, 0, 0, 1, reply_count > 0 FROM comments
) GROUP BY day;
