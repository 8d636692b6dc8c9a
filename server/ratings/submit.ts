import { sql, type SQL } from "drizzle-orm";
import { isoTimestamp, type Db } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { DomainError } from "@/server/errors";
import { serverConfig } from "@/server/env";
import { crossPostFlagSql } from "./cross-post-flag";
import { windowStartIso } from "./scoring/windows";
import { liveRaters } from "./live-count";

export type RatingResult = {
  postId: number;
  /** Null after the rating was cleared. */
  myRating: number | null;
  /** Live count: ratings already folded plus new ones not folded yet, including this one. */
  ratingCount: number;
  /** The displayed score as of the last fold (it moves when the next fold runs). */
  score: number | null;
  /** False when the user re-submitted the score they already had: nothing was written. */
  changed: boolean;
  /** When this submit wrote the rating (null when it changed nothing). */
  updatedAt: string | null;
  /**
   * What this submit replaced, exactly: the old score, when it was written, and so the window the
   * aggregates counted it in. Null for a first rating or an unchanged re-submit.
   */
  previous: { score: number; updatedAt: string; windowStart: string } | null;
};

export class PostNotFoundError extends DomainError {
  constructor(postId: number) {
    super("NOT_FOUND", `post ${postId} does not exist`, { field: "postId" });
  }
}

export class PostLockedError extends DomainError {
  constructor(postId: number) {
    super("LOCKED", `post ${postId} is locked by a moderator and does not accept ratings right now`, {
      field: "postId",
    });
  }
}

/** SQL: the post as a rating sees it; no row when it is deleted or hidden (a rating gets 404). */
export function ratablePost(postId: unknown): SQL {
  return sql`select id, locked_at, rating_count, score from posts
             where id = ${postId} and deleted_at is null and hidden_at is null`;
}

type SubmitRow = {
  locked: boolean;
  changed: boolean;
  previous_score: number | null;
  previous_updated_at: string | null;
  updated_at: string | null;
  live: number;
  inserted: number;
  score: number | null;
};

/**
 * Stores a user's rating of a post (unless an admin locked it), replacing any earlier one, in ONE
 * statement that writes only the user's own ratings row (no post aggregate is written on this
 * path; the fold does that).
 * The upsert copies the old score and update time into previous_* before overwriting them, so
 * RETURNING reports exactly what this statement replaced, also when the same user submits
 * concurrently (the conflicting row is locked and re-checked). Re-submitting the same score matches
 * the WHERE of DO UPDATE, so nothing is written.
 */
/** The submit statement, built once (bench/pgbench.ts runs its text on Postgres alone). */
export const SUBMIT_STATEMENT = preparedQuery<{ postId: number; userId: number; score: number }>(
  ["postId", "userId", "score"],
  (p) =>
    sql`with target as (${ratablePost(p.postId)}),
        up as (
          insert into ratings as r (post_id, user_id, score, created_at, updated_at, cross_post)
          select id, ${p.userId}, ${p.score}, now(), clock_timestamp(), ${crossPostFlagSql(p.userId, sql`id`)}
          from target where locked_at is null
          on conflict (post_id, user_id) do update
            set previous_score = r.score, previous_updated_at = r.updated_at,
                score = excluded.score, updated_at = excluded.updated_at, cross_post = excluded.cross_post
            where r.score is distinct from excluded.score
          returning r.previous_score, r.previous_updated_at, r.updated_at
        )
        select t.locked_at is not null as locked,
               exists (select 1 from up) as changed,
               (select previous_score::int from up) as previous_score,
               (select ${isoTimestamp(sql`previous_updated_at`, "us")} from up) as previous_updated_at,
               (select ${isoTimestamp(sql`updated_at`, "us")} from up) as updated_at,
               ${liveRaters(sql`t.id`)} as live,
               -- This statement's snapshot cannot see its own new rating (an insert, or the revival
               -- of a cleared one): count it explicitly.
               (select count(*)::int from up where previous_score is null) as inserted,
               t.score
        from target t`,
);

export async function submitRating(
  db: Db,
  input: { postId: number; userId: number; score: number },
): Promise<RatingResult> {
  // A missing post yields no row (the target CTE); a foreign-key error here can only mean the
  // user's account is gone, which the protected procedure turns into 401.
  const result = await SUBMIT_STATEMENT.rows<SubmitRow>(db, input);
  const [row] = result;
  if (!row) throw new PostNotFoundError(input.postId);
  if (row.locked) throw new PostLockedError(input.postId);
  return {
    postId: input.postId,
    myRating: input.score,
    // Exact: the count in this statement's snapshot plus its own new rating (O(1), post_rater_counts).
    ratingCount: row.live + row.inserted,
    score: row.score,
    changed: row.changed,
    updatedAt: row.updated_at,
    previous: replaced(row.previous_score, row.previous_updated_at),
  };
}

/** What a write replaced: the old score, when it was written, and the window it was counted in. */
export function replaced(score: number | null, updatedAt: string | null): RatingResult["previous"] {
  return score !== null && updatedAt !== null
    ? { score, updatedAt, windowStart: windowStartIso(updatedAt, serverConfig().engine.windowSeconds) }
    : null;
}
