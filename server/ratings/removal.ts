import { sql } from "drizzle-orm";
import { isoTimestamp, rows, type Db } from "@/db/client";
import { liveRaters } from "./live-count";
import { PostLockedError, PostNotFoundError, ratablePost, replaced, type RatingResult } from "./submit";

/**
 * How a rating is removed, so that every aggregate loses it exactly once: the row becomes a
 * tombstone (score null, updated now) that stays pending until the fold subtracts what it last
 * counted (folded_score in the window of folded_at) and deletes it, in one transaction. The live
 * count (post_rater_counts, kept by triggers) drops at once.
 */
const TOMBSTONE = sql`previous_score = score, previous_updated_at = updated_at, score = null, updated_at = clock_timestamp()`;

type ClearRow = {
  locked: boolean;
  previous_score: number | null;
  previous_updated_at: string | null;
  live: number;
  score: number | null;
};

/**
 * Clears a user's rating of a post (a 0 is a rating; this makes the post unrated by them). Refused
 * like a rating when the post is locked, missing, deleted or hidden. Clearing twice changes nothing.
 */
export async function clearRating(db: Db, input: { postId: number; userId: number }): Promise<RatingResult> {
  const [row] = await rows<ClearRow>(
    db,
    sql`with target as (${ratablePost(input.postId)}),
        cleared as (
          update ratings set ${TOMBSTONE}
          where post_id = (select id from target where locked_at is null) and user_id = ${input.userId}
            and score is not null
          returning previous_score, previous_updated_at
        )
        select t.locked_at is not null as locked,
               (select previous_score::int from cleared) as previous_score,
               (select ${isoTimestamp(sql`previous_updated_at`, "us")} from cleared) as previous_updated_at,
               ${liveRaters(sql`t.id`)} as live,
               t.score
        from target t`,
  );
  if (!row) throw new PostNotFoundError(input.postId);
  if (row.locked) throw new PostLockedError(input.postId);
  const previous = replaced(row.previous_score, row.previous_updated_at);
  const changed = previous !== null;
  // The statement's snapshot still sees the rating it cleared: take it off explicitly.
  const removed = changed ? 1 : 0;
  return {
    postId: input.postId,
    myRating: null,
    ratingCount: row.live - removed,
    score: row.score,
    changed,
    updatedAt: null,
    previous,
  };
}

/**
 * Removes every rating of a post (deleted by its author) or by a user (account deletion) through
 * the same tombstones, whatever the post's lock. Returns how many ratings were removed. The rows
 * are gone once the fold has run (runFold); a user row can be deleted after that.
 */
export async function removeRatingsOf(
  db: Db,
  owner: { postId: number } | { userId: number },
): Promise<number> {
  const where = "postId" in owner ? sql`post_id = ${owner.postId}` : sql`user_id = ${owner.userId}`;
  const removed = await rows(
    db,
    sql`update ratings set ${TOMBSTONE} where ${where} and score is not null returning 1`,
  );
  return removed.length;
}
