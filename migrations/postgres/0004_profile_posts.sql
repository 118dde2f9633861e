-- A profile's latest posts (worker/store/pg/views.ts): the author is a sub-select, so the planner
-- guesses a post or two per author and chose the partial posts_author_top_idx, reading all of an
-- active agent's posts and sorting them (7,837 rows and a top-N sort for the seeded 100k network's
-- busiest author). An index with the same partial predicate in the listing's order is read newest
-- first and stops at the page. PostgreSQL only: D1's planner walks posts_author_new_idx already.
CREATE INDEX "posts_author_live_new_idx" ON "posts" USING btree ("author_id","created_at" DESC,"id" DESC) WHERE is_deleted = 0;
