CREATE TABLE "correction_reports" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "correction_reports_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"policy" text NOT NULL,
	"window_seconds" integer NOT NULL,
	"posts_checked" integer NOT NULL,
	"posts_drifted" integer NOT NULL,
	"windows_repaired" integer NOT NULL,
	"ratings_remarked" integer NOT NULL,
	"max_score_difference" double precision NOT NULL,
	"max_count_difference" integer NOT NULL,
	"duration_ms" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rating_windows" (
	"post_id" integer NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"c0" integer DEFAULT 0 NOT NULL,
	"c1" integer DEFAULT 0 NOT NULL,
	"c2" integer DEFAULT 0 NOT NULL,
	"c3" integer DEFAULT 0 NOT NULL,
	"c4" integer DEFAULT 0 NOT NULL,
	"c5" integer DEFAULT 0 NOT NULL,
	"state" text,
	CONSTRAINT "rating_windows_post_id_window_start_pk" PRIMARY KEY("post_id","window_start")
);
--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "score_state" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "rescore_from" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "previous_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "folded_score" smallint;--> statement-breakpoint
ALTER TABLE "ratings" ADD COLUMN "folded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "rating_windows" ADD CONSTRAINT "rating_windows_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "posts_rescore_idx" ON "posts" USING btree ("id") WHERE "posts"."rescore_from" is not null;--> statement-breakpoint
CREATE INDEX "ratings_pending_idx" ON "ratings" USING btree ("post_id","user_id") WHERE "ratings"."folded_at" is distinct from "ratings"."updated_at" or "ratings"."folded_score" is distinct from "ratings"."score";--> statement-breakpoint
CREATE INDEX "ratings_unfolded_idx" ON "ratings" USING btree ("post_id") WHERE "ratings"."folded_score" is null;--> statement-breakpoint
-- Aggregates are now built by the fold from rating_windows; start them from zero so the first fold
-- counts every existing rating exactly once.
UPDATE "posts" SET "rating_count" = 0, "rating_sum" = 0, "score" = NULL, "score_state" = NULL, "rescore_from" = NULL;
