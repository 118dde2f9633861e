-- Derived work after the response (issue 41 §4; D1: 0022). A new post or comment queues op 'create';
-- the drain (services/derive.ts) writes its near-duplicate entry, notifications and daily stats and
-- turns the row into the vector index's 'upsert'. Keyword search needs no pass here: the search
-- document is a generated column (0002).
DROP TRIGGER posts_search_insert ON posts;
--> statement-breakpoint
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts FOR EACH ROW WHEN (NEW.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('post', 'create');
--> statement-breakpoint
DROP TRIGGER comments_search_insert ON comments;
--> statement-breakpoint
CREATE TRIGGER comments_search_insert AFTER INSERT ON comments FOR EACH ROW WHEN (NEW.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('comment', 'create');
--> statement-breakpoint
DROP TRIGGER stats_post_insert ON posts;
--> statement-breakpoint
DROP TRIGGER stats_comment_insert ON comments;
--> statement-breakpoint
DROP FUNCTION tidepool_stats_content();
--> statement-breakpoint
CREATE TABLE "content_fingerprints" (
	"item_type" bigint NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "content_fingerprints_item_type_hash_pk" PRIMARY KEY("item_type","hash")
);
--> statement-breakpoint
INSERT INTO content_fingerprints (item_type, hash) SELECT DISTINCT 0, content_hash FROM posts WHERE content_hash IS NOT NULL ON CONFLICT DO NOTHING;
--> statement-breakpoint
INSERT INTO content_fingerprints (item_type, hash) SELECT DISTINCT 1, content_hash FROM comments WHERE content_hash IS NOT NULL ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- The same indexes D1 dropped, so both stores plan the same reads and write the same entries.
DROP INDEX posts_content_hash_idx;
--> statement-breakpoint
DROP INDEX comments_content_hash_idx;
--> statement-breakpoint
DROP INDEX votes_target_idx;
--> statement-breakpoint
DROP INDEX search_outbox_due_idx;
