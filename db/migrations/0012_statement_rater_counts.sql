-- The live rater counts move once per statement instead of once per row. Row-level triggers
-- upserted one counter row per written rating, so a bulk write to one post (a seed, a restore,
-- a post's removal) updated the same eight stripe rows again and again, each time adding a row
-- version to the same chain inside one transaction: a million ratings on one post took minutes.
-- These triggers read the statement's transition tables and add each (post, stripe)'s net change
-- of presence once. Groups are written in key order, so concurrent statements lock stripes in the
-- same order, and groups whose change is zero (re-rates, the fold marking rows folded, tombstone
-- deletes) touch no counter row.
DROP TRIGGER "ratings_count_insert" ON "ratings";
--> statement-breakpoint
DROP TRIGGER "ratings_count_update" ON "ratings";
--> statement-breakpoint
DROP TRIGGER "ratings_count_delete" ON "ratings";
--> statement-breakpoint
DROP FUNCTION "count_raters"();
--> statement-breakpoint
-- Each function first checks whether its statement can move a count at all, which is cheaper than
-- starting the upsert for nothing: a single rating's submit fires both the insert and the update
-- trigger, and one of them always has no rows.
CREATE FUNCTION "count_inserted_raters"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM inserted_ratings WHERE score IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  INSERT INTO post_rater_counts AS c (post_id, stripe, raters)
  SELECT post_id, user_id % 8, count(*)::int FROM inserted_ratings
  WHERE score IS NOT NULL
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (post_id, stripe) DO UPDATE SET raters = c.raters + excluded.raters;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- A rating's key never changes, so only a score that becomes or stops being null changes presence:
-- a statement with no null score on either side (re-rates, the fold marking ratings folded) moves
-- nothing. Otherwise the change is counted from each side on its own (+1 per new row with a score,
-- −1 per old one) and summed per (post, stripe): the same as joining old and new rows on their key,
-- without the join.
CREATE FUNCTION "count_updated_raters"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM updated_ratings_old WHERE score IS NULL)
     AND NOT EXISTS (SELECT FROM updated_ratings_new WHERE score IS NULL) THEN
    RETURN NULL;
  END IF;
  INSERT INTO post_rater_counts AS c (post_id, stripe, raters)
  SELECT post_id, stripe, sum(delta)::int FROM (
    SELECT post_id, user_id % 8 AS stripe, 1 AS delta FROM updated_ratings_new WHERE score IS NOT NULL
    UNION ALL
    SELECT post_id, user_id % 8, -1 FROM updated_ratings_old WHERE score IS NOT NULL
  ) moves
  GROUP BY 1, 2 HAVING sum(delta) <> 0 ORDER BY 1, 2
  ON CONFLICT (post_id, stripe) DO UPDATE SET raters = c.raters + excluded.raters;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "count_deleted_raters"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM deleted_ratings WHERE score IS NOT NULL) THEN
    RETURN NULL;
  END IF;
  INSERT INTO post_rater_counts AS c (post_id, stripe, raters)
  SELECT post_id, user_id % 8, -count(*)::int FROM deleted_ratings
  WHERE score IS NOT NULL
  GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (post_id, stripe) DO UPDATE SET raters = c.raters + excluded.raters;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- An INSERT ... ON CONFLICT DO UPDATE fires both the insert and the update trigger, each with the
-- rows it inserted or updated.
CREATE TRIGGER "ratings_count_insert" AFTER INSERT ON "ratings" REFERENCING NEW TABLE AS inserted_ratings FOR EACH STATEMENT EXECUTE FUNCTION count_inserted_raters();
--> statement-breakpoint
CREATE TRIGGER "ratings_count_update" AFTER UPDATE ON "ratings" REFERENCING OLD TABLE AS updated_ratings_old NEW TABLE AS updated_ratings_new FOR EACH STATEMENT EXECUTE FUNCTION count_updated_raters();
--> statement-breakpoint
CREATE TRIGGER "ratings_count_delete" AFTER DELETE ON "ratings" REFERENCING OLD TABLE AS deleted_ratings FOR EACH STATEMENT EXECUTE FUNCTION count_deleted_raters();
