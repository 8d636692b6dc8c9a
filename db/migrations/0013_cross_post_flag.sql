-- The cross-post flag of a rating (server/ratings/scoring/cross-post.ts): whether its account had
-- rated at least 2 other posts within the 6 hours before it was written. The submit statement sets
-- it and nothing changes it afterwards; folded_cross_post is the flag rating_windows counts the row
-- with, as folded_score is its score. Ratings written before this migration are not flagged (their
-- accounts' history at the time is not reconstructed), and are counted unflagged.
ALTER TABLE "ratings" ADD COLUMN "cross_post" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "folded_cross_post" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
-- Per window and star, how many of its ratings carry the flag.
ALTER TABLE "rating_windows" ADD COLUMN "x0" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "rating_windows" ADD COLUMN "x1" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "rating_windows" ADD COLUMN "x2" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "rating_windows" ADD COLUMN "x3" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "rating_windows" ADD COLUMN "x4" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "rating_windows" ADD COLUMN "x5" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
-- The flag is one bounded probe of the account's most recent ratings: (user_id, updated_at) serves
-- it and everything the user_id index served, at the same write cost (updates change updated_at,
-- which the pending index already covers, so they were never heap-only).
CREATE INDEX "ratings_user_recent_idx" ON "ratings" USING btree ("user_id","updated_at");
--> statement-breakpoint
DROP INDEX "ratings_user_idx";
