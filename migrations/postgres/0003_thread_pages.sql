-- Thread pages (issue 40): a post's roots and each comment's direct replies each have their own
-- index per sort, so a page of a thread, and the first replies of each comment on it, are index
-- range reads whatever the thread's size. Ties (and the new/old orders) go by id: UUIDv7, creation
-- order. The per-post indexes they replace ordered a whole thread, read up to 2,000 comments.
DROP INDEX "comments_post_top_idx";--> statement-breakpoint
DROP INDEX "comments_post_new_idx";--> statement-breakpoint
DROP INDEX "comments_post_controversial_idx";--> statement-breakpoint
CREATE INDEX "comments_roots_top_idx" ON "comments" USING btree ("post_id","score" DESC,"id") WHERE parent_id IS NULL;--> statement-breakpoint
CREATE INDEX "comments_roots_new_idx" ON "comments" USING btree ("post_id","id") WHERE parent_id IS NULL;--> statement-breakpoint
CREATE INDEX "comments_roots_controversial_idx" ON "comments" USING btree ("post_id","controversy" DESC,"id") WHERE parent_id IS NULL;--> statement-breakpoint
CREATE INDEX "comments_replies_top_idx" ON "comments" USING btree ("parent_id","score" DESC,"id") WHERE parent_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "comments_replies_new_idx" ON "comments" USING btree ("parent_id","id") WHERE parent_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "comments_replies_controversial_idx" ON "comments" USING btree ("parent_id","controversy" DESC,"id") WHERE parent_id IS NOT NULL;