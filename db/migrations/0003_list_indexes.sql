DROP INDEX "posts_newest_idx";--> statement-breakpoint
DROP INDEX "posts_top_idx";--> statement-breakpoint
DROP INDEX "posts_most_rated_idx";--> statement-breakpoint
CREATE INDEX "posts_newest_idx" ON "posts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "posts_top_idx" ON "posts" USING btree (coalesce("score", -1),"id");--> statement-breakpoint
CREATE INDEX "posts_most_rated_idx" ON "posts" USING btree ("rating_count","id");