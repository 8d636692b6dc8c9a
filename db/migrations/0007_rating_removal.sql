-- A cleared rating stays as a tombstone (score null) until the fold subtracts what it last counted and deletes it.
ALTER TABLE "ratings" ALTER COLUMN "score" DROP NOT NULL;--> statement-breakpoint
DROP INDEX IF EXISTS "ratings_unfolded_idx";--> statement-breakpoint
CREATE INDEX "ratings_unfolded_idx" ON "ratings" USING btree ("post_id") WHERE ("ratings"."folded_score" is null) <> ("ratings"."score" is null);--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hidden_by" integer REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "score_moved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "ratings_public" boolean DEFAULT false NOT NULL;
