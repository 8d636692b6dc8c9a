-- The live rater count of each post (ratings with a score), kept exactly by triggers in the same
-- transaction as every write to ratings, so a read costs a few index probes whatever the post's
-- unfolded backlog. Spread over 8 stripes by user id so concurrent raters of one post rarely wait
-- on the same counter row.
CREATE TABLE "post_rater_counts" (
	"post_id" integer NOT NULL,
	"stripe" smallint NOT NULL,
	"raters" integer NOT NULL,
	CONSTRAINT "post_rater_counts_post_id_stripe_pk" PRIMARY KEY("post_id","stripe")
);
--> statement-breakpoint
ALTER TABLE "post_rater_counts" ADD CONSTRAINT "post_rater_counts_post_id_posts_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."posts"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE FUNCTION "count_raters"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  delta integer;
  target ratings;
BEGIN
  -- A rating's key never changes, so one stripe of one post moves by the row's change of presence.
  IF TG_OP = 'DELETE' THEN
    target := OLD;
    delta := -1;
  ELSIF TG_OP = 'INSERT' THEN
    target := NEW;
    delta := 1;
  ELSE
    target := NEW;
    delta := (NEW.score IS NOT NULL)::int - (OLD.score IS NOT NULL)::int;
  END IF;
  INSERT INTO post_rater_counts AS c (post_id, stripe, raters)
  VALUES (target.post_id, target.user_id % 8, delta)
  ON CONFLICT (post_id, stripe) DO UPDATE SET raters = c.raters + excluded.raters;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The WHEN clauses skip the function entirely for re-rates and tombstone deletes (no change of presence).
CREATE TRIGGER "ratings_count_insert" AFTER INSERT ON "ratings" FOR EACH ROW WHEN (NEW.score IS NOT NULL) EXECUTE FUNCTION count_raters();
--> statement-breakpoint
CREATE TRIGGER "ratings_count_update" AFTER UPDATE OF "score" ON "ratings" FOR EACH ROW WHEN ((OLD.score IS NULL) <> (NEW.score IS NULL)) EXECUTE FUNCTION count_raters();
--> statement-breakpoint
CREATE TRIGGER "ratings_count_delete" AFTER DELETE ON "ratings" FOR EACH ROW WHEN (OLD.score IS NOT NULL) EXECUTE FUNCTION count_raters();
--> statement-breakpoint
INSERT INTO "post_rater_counts" (post_id, stripe, raters)
SELECT post_id, user_id % 8, count(*)::int FROM "ratings" WHERE score IS NOT NULL GROUP BY 1, 2;
--> statement-breakpoint
-- Only the per-request count of unfolded ratings used it.
DROP INDEX IF EXISTS "ratings_unfolded_idx";
