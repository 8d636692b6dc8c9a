import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { FOREIGN_KEY_VIOLATION, pgErrorCode } from "@/db/errors";

export type RatingResult = {
  postId: number;
  myRating: number;
  ratingCount: number;
  score: number | null;
  /** False when the user re-submitted the score they already had: nothing was written. */
  changed: boolean;
};

export class PostNotFoundError extends Error {
  constructor(postId: number) {
    super(`post ${postId} does not exist`);
  }
}

/**
 * Stores a user's rating of a post, replacing any earlier one, in one statement.
 * The upsert copies the old score into previous_score before overwriting it, so RETURNING
 * reports exactly what this statement replaced even when the same user submits concurrently
 * (the conflicting row is locked and re-checked). The post's aggregates move by that exact delta.
 */
export async function submitRating(db: Db, input: { postId: number; userId: number; score: number }): Promise<RatingResult> {
  let result: { rating_count: number; score: number | null }[];
  try {
    result = await rows(
      db,
      sql`with upsert as (
            insert into ratings as r (post_id, user_id, score)
            values (${input.postId}, ${input.userId}, ${input.score})
            on conflict (post_id, user_id) do update
              set previous_score = r.score, score = excluded.score, updated_at = now()
              where r.score <> excluded.score
            returning r.previous_score, r.score
          ),
          delta as (
            select case when previous_score is null then 1 else 0 end as added,
                   score - coalesce(previous_score, 0) as sum_change
            from upsert
          )
          update posts p set
            rating_count = p.rating_count + d.added,
            rating_sum = p.rating_sum + d.sum_change,
            -- nullif: under concurrency the SET list is first computed from the snapshot's row
            -- version and only then re-computed on the latest one, so the stale pass must not throw.
            score = (p.rating_sum + d.sum_change)::float8 / nullif(p.rating_count + d.added, 0)
          from delta d
          where p.id = ${input.postId}
          returning p.rating_count, p.score`,
    );
  } catch (error) {
    if (pgErrorCode(error) === FOREIGN_KEY_VIOLATION) throw new PostNotFoundError(input.postId);
    throw error;
  }
  const [updated] = result;
  if (updated) {
    return { postId: input.postId, myRating: input.score, ratingCount: updated.rating_count, score: updated.score, changed: true };
  }
  // Same score as before: the upsert's WHERE skipped the row and nothing was written.
  const [current] = await rows<{ rating_count: number; score: number | null }>(
    db,
    sql`select rating_count, score from posts where id = ${input.postId}`,
  );
  if (!current) throw new PostNotFoundError(input.postId);
  return { postId: input.postId, myRating: input.score, ratingCount: current.rating_count, score: current.score, changed: false };
}
