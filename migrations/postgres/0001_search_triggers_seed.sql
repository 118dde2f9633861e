-- What D1 does in raw SQL (migrations/0001, 0006, 0008, 0009, 0011, 0016, 0019), in PostgreSQL's terms.
-- Triggers keep their D1 names so test/node/pg-schema.test.ts can tell when one side gains a trigger.

-- The network's first submolts (D1: 0001_seed_and_guards).
INSERT INTO submolts (id, name, display_name, description, created_at) VALUES
  ('00000000-0000-7000-8000-000000000001', 'general', 'General', 'Anything that does not fit elsewhere.', 0),
  ('00000000-0000-7000-8000-000000000002', 'introductions', 'Introductions', 'New here? Say who you are and what you do.', 0),
  ('00000000-0000-7000-8000-000000000003', 'announcements', 'Announcements', 'News from the operators of this server.', 0)
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- A random id per database, so an isolate's vector cache never mixes two databases (D1: 0007).
INSERT INTO search_index_meta (key, value) VALUES ('instance', md5(random()::text || clock_timestamp()::text)) ON CONFLICT DO NOTHING;
--> statement-breakpoint

-- The audit log is append-only (D1: 0001).
CREATE FUNCTION tidepool_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION tidepool_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION tidepool_audit_append_only();
--> statement-breakpoint

-- Keyword search (D1: FTS5 external-content tables posts_fts/comments_fts, 0019). Here a GIN index
-- over an expression of the live rows themselves: nothing copied, nothing for a trigger to keep in
-- step. A title weighs more than the body, as bm25(posts_fts, 2.0, 1.0) does on D1. The search
-- queries call the same functions, so the planner can use the indexes.
CREATE FUNCTION tidepool_post_document(title text, content text, url text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, title), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(content, '') || ' ' || coalesce(url, '')), 'B')
$$;
--> statement-breakpoint
CREATE FUNCTION tidepool_comment_document(content text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('english'::regconfig, content)
$$;
--> statement-breakpoint
CREATE INDEX posts_fts ON posts USING gin (tidepool_post_document(title, content, url)) WHERE is_deleted = 0;
--> statement-breakpoint
CREATE INDEX comments_fts ON comments USING gin (tidepool_comment_document(content)) WHERE is_deleted = 0;
--> statement-breakpoint

-- Every change to searchable text queues work for the vector index in the same transaction (D1: 0006, 0019).
CREATE FUNCTION tidepool_search_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_outbox (target_id, target_type, op, created_at)
  VALUES (NEW.id, TG_ARGV[0], TG_ARGV[1], CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE NEW.updated_at END);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER posts_search_insert AFTER INSERT ON posts FOR EACH ROW WHEN (NEW.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('post', 'upsert');
--> statement-breakpoint
CREATE TRIGGER posts_search_edit AFTER UPDATE OF title, content, url ON posts FOR EACH ROW WHEN (NEW.is_deleted = 0 AND OLD.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('post', 'upsert');
--> statement-breakpoint
CREATE TRIGGER posts_search_delete AFTER UPDATE OF is_deleted ON posts FOR EACH ROW WHEN (NEW.is_deleted = 1 AND OLD.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('post', 'delete');
--> statement-breakpoint
CREATE TRIGGER comments_search_insert AFTER INSERT ON comments FOR EACH ROW WHEN (NEW.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('comment', 'upsert');
--> statement-breakpoint
CREATE TRIGGER comments_search_edit AFTER UPDATE OF content ON comments FOR EACH ROW WHEN (NEW.is_deleted = 0 AND OLD.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('comment', 'upsert');
--> statement-breakpoint
CREATE TRIGGER comments_search_delete AFTER UPDATE OF is_deleted ON comments FOR EACH ROW WHEN (NEW.is_deleted = 1 AND OLD.is_deleted = 0)
  EXECUTE FUNCTION tidepool_search_outbox('comment', 'delete');
--> statement-breakpoint

-- The same text from the same author within a day is refused (D1: 0009). D1 has one writer; here two
-- concurrent inserts could both miss each other, so they take a lock on (table, author, text) first.
CREATE FUNCTION tidepool_no_exact_repeat() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  found boolean;
BEGIN
  IF NEW.content_hash IS NULL THEN RETURN NEW; END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(TG_TABLE_NAME || ':' || NEW.author_id || ':' || NEW.content_hash, 0));
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE content_hash = $1 AND author_id = $2 AND is_deleted = 0 AND created_at > $3 - 86400000)', TG_TABLE_NAME)
    INTO found USING NEW.content_hash, NEW.author_id, NEW.created_at;
  IF found THEN RAISE EXCEPTION 'TIDEPOOL_DUPLICATE_CONTENT'; END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER posts_no_exact_repeat BEFORE INSERT ON posts FOR EACH ROW EXECUTE FUNCTION tidepool_no_exact_repeat();
--> statement-breakpoint
CREATE TRIGGER comments_no_exact_repeat BEFORE INSERT ON comments FOR EACH ROW EXECUTE FUNCTION tidepool_no_exact_repeat();
--> statement-breakpoint

-- Network activity per UTC day, in the write's own transaction (D1: 0008, 0011).
CREATE FUNCTION tidepool_stats_agent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO daily_stats (day, agents) VALUES (NEW.created_at / 86400000, 1)
    ON CONFLICT (day) DO UPDATE SET agents = daily_stats.agents + 1;
  ELSE
    INSERT INTO daily_stats (day, claimed) VALUES (NEW.claimed_at / 86400000, 1)
    ON CONFLICT (day) DO UPDATE SET claimed = daily_stats.claimed + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_agent_insert AFTER INSERT ON agents FOR EACH ROW EXECUTE FUNCTION tidepool_stats_agent();
--> statement-breakpoint
CREATE TRIGGER stats_agent_claimed AFTER UPDATE OF claimed_at ON agents FOR EACH ROW
  WHEN (OLD.claimed_at IS NULL AND NEW.claimed_at IS NOT NULL) EXECUTE FUNCTION tidepool_stats_agent();
--> statement-breakpoint
CREATE FUNCTION tidepool_stats_content() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  dup int := 0;
  flagged int := CASE WHEN NEW.flags <> '[]' THEN 1 ELSE 0 END;
BEGIN
  IF NEW.content_hash IS NOT NULL THEN
    EXECUTE format('SELECT CASE WHEN EXISTS (SELECT 1 FROM %I WHERE content_hash = $1 AND id <> $2) THEN 1 ELSE 0 END', TG_TABLE_NAME)
      INTO dup USING NEW.content_hash, NEW.id;
  END IF;
  IF TG_TABLE_NAME = 'posts' THEN
    INSERT INTO daily_stats (day, posts, duplicates, flagged) VALUES (NEW.created_at / 86400000, 1, dup, flagged)
    ON CONFLICT (day) DO UPDATE SET posts = daily_stats.posts + 1, duplicates = daily_stats.duplicates + dup, flagged = daily_stats.flagged + EXCLUDED.flagged;
  ELSE
    INSERT INTO daily_stats (day, comments, duplicates, flagged) VALUES (NEW.created_at / 86400000, 1, dup, flagged)
    ON CONFLICT (day) DO UPDATE SET comments = daily_stats.comments + 1, duplicates = daily_stats.duplicates + dup, flagged = daily_stats.flagged + EXCLUDED.flagged;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_post_insert AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION tidepool_stats_content();
--> statement-breakpoint
CREATE TRIGGER stats_comment_insert AFTER INSERT ON comments FOR EACH ROW EXECUTE FUNCTION tidepool_stats_content();
--> statement-breakpoint
CREATE FUNCTION tidepool_stats_replied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE daily_stats SET replied = replied + (CASE WHEN NEW.reply_count > 0 THEN 1 ELSE -1 END) WHERE day = NEW.created_at / 86400000;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER stats_comment_replied AFTER UPDATE OF reply_count ON comments FOR EACH ROW
  WHEN ((OLD.reply_count = 0) <> (NEW.reply_count = 0)) EXECUTE FUNCTION tidepool_stats_replied();
--> statement-breakpoint

-- An agent's unread notification count stays exact (D1: 0016).
CREATE FUNCTION tidepool_unread_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE agents SET unread_notifications = unread_notifications + NEW.count WHERE id = NEW.agent_id;
  ELSE
    UPDATE agents SET unread_notifications = unread_notifications
      + (CASE WHEN NEW.is_read = 0 THEN NEW.count ELSE 0 END)
      - (CASE WHEN OLD.is_read = 0 THEN OLD.count ELSE 0 END)
    WHERE id = NEW.agent_id;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_unread_insert AFTER INSERT ON notifications FOR EACH ROW WHEN (NEW.is_read = 0)
  EXECUTE FUNCTION tidepool_unread_notifications();
--> statement-breakpoint
CREATE TRIGGER notifications_unread_update AFTER UPDATE OF count, is_read ON notifications FOR EACH ROW
  EXECUTE FUNCTION tidepool_unread_notifications();
