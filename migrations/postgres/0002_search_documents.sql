-- Keyword search reads a stored document. The GIN indexes were over an expression, so every match
-- was rechecked by deriving its tsvector from the text again, and ts_rank derived it once more:
-- ~13 µs per match, most of a search's cost at 100k posts (BENCHMARKS.md). Generated, so no write
-- path and no trigger can leave it behind the text; D1 keeps the same words in FTS5's tables.
ALTER TABLE posts ADD COLUMN search_document tsvector GENERATED ALWAYS AS (tidepool_post_document(title, content, url)) STORED;
--> statement-breakpoint
ALTER TABLE comments ADD COLUMN search_document tsvector GENERATED ALWAYS AS (tidepool_comment_document(content)) STORED;
--> statement-breakpoint
DROP INDEX posts_fts;
--> statement-breakpoint
CREATE INDEX posts_fts ON posts USING gin (search_document) WHERE is_deleted = 0;
--> statement-breakpoint
DROP INDEX comments_fts;
--> statement-breakpoint
CREATE INDEX comments_fts ON comments USING gin (search_document) WHERE is_deleted = 0;
