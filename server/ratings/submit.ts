import { sql, type SQL } from "drizzle-orm";
import { isoTimestamp, type Db } from "@/db/client";
import { intArrayParam, listParam, preparedQuery } from "@/db/prepared";
import { DomainError } from "@/server/errors";
import { serverConfig } from "@/server/env";
import { crossPostFlagSql } from "./cross-post-flag";
import { windowStartIso } from "./scoring/windows";
import { liveRaters } from "./live-count";
import { sharedStatements } from "@/db/statement-queue";

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
  n: number;
  found: boolean;
  locked: boolean;
  changed: boolean;
  previous_score: number | null;
  previous_updated_at: string | null;
  updated_at: string | null;
  live: number;
  score: number | null;
};

export type SubmitInput = { postId: number; userId: number; score: number };

// What both submit statements share: the upsert's conflict rule and what each written row reports.
// The upsert copies each old score and update time into previous_* before overwriting them, so
// RETURNING reports exactly what this statement replaced, also when the same user submits
// concurrently (the conflicting row is locked and re-checked). Re-submitting the same score matches
// the WHERE of DO UPDATE, so nothing is written.
const REPLACE_OLDER = sql`on conflict (post_id, user_id) do update
            set previous_score = r.score, previous_updated_at = r.updated_at,
                score = excluded.score, updated_at = excluded.updated_at, cross_post = excluded.cross_post
            where r.score is distinct from excluded.score
          returning r.post_id, r.user_id, r.previous_score, r.previous_updated_at, r.updated_at`;

// The answer per rating, from its post as the statement read it (t) and its written row (u).
const OUTCOME = sql`t.id is not null as found,
               coalesce(t.locked_at is not null, false) as locked,
               u.user_id is not null as changed,
               u.previous_score::int as previous_score,
               ${isoTimestamp(sql`u.previous_updated_at`, "us")} as previous_updated_at,
               ${isoTimestamp(sql`u.updated_at`, "us")} as updated_at,
               t.score as score`;

/**
 * Stores ratings (each unless an admin locked its post), each replacing the user's earlier one of
 * that post, in ONE statement that writes only the users' own ratings rows (no post aggregate is
 * written on this path; the fold does that). It takes a batch: concurrent submits share one
 * statement, one round trip, one firing of the live-count triggers and one commit
 * (db/statement-queue.ts); a batch never holds two ratings of one user. Rows are written in key
 * order, so concurrent batches lock them in the same order. The ratings come as three parallel int
 * arrays, in Postgres' text form ("{1,2,3}"): one statement text whatever the batch's size.
 */
export const SUBMIT_STATEMENT = preparedQuery<{ posts: string; users: string; scores: string }>(
  ["posts", "users", "scores"],
  (p) =>
    sql`with input as (
          select * from unnest(${listParam(p.posts, "int")}, ${listParam(p.users, "int")}, ${listParam(p.scores, "int")})
            with ordinality as i(post_id, user_id, score, n)),
        target as (
          select i.n, i.post_id, i.user_id, i.score as rating, t.id, t.locked_at, t.score
          -- LIMIT keeps the lookup a primary-key probe per rating: the generic plan is costed for
          -- ten ratings, and on a small posts table it would otherwise hash every post.
          from input i cross join lateral (${ratablePost(sql`i.post_id`)} limit 1) t),
        up as (
          insert into ratings as r (post_id, user_id, score, created_at, updated_at, cross_post)
          select g.post_id, g.user_id, g.rating, now(), clock_timestamp(), ${crossPostFlagSql(sql`g.user_id`, sql`g.post_id`)}
          from target g where g.locked_at is null
          order by g.post_id, g.user_id
          ${REPLACE_OLDER}
        ),
        -- This statement's snapshot cannot see its own new ratings (inserts, or revivals of
        -- cleared ones): count them explicitly, per post.
        added as (select post_id, count(*)::int as n from up where previous_score is null group by post_id)
        select i.n::int as n, ${OUTCOME},
               ${liveRaters(sql`i.post_id`)} + coalesce(a.n, 0) as live
        from input i
        left join target t on t.n = i.n
        left join up u on u.post_id = i.post_id and u.user_id = i.user_id
        left join added a on a.post_id = i.post_id
        order by i.n`,
);

/**
 * The same for a batch of one rating, as most are while the site is not busy: without the list
 * parameters, the per-rating joins and the grouping, Postgres runs it in about three quarters of
 * the batch statement's time (bench/pgbench-capacity.ts runs both). Same answers, same row shape.
 */
export const SUBMIT_ONE_STATEMENT = preparedQuery<SubmitInput>(
  ["postId", "userId", "score"],
  (p) =>
    sql`with up as (
          insert into ratings as r (post_id, user_id, score, created_at, updated_at, cross_post)
          select ${p.postId}::int, ${p.userId}::int, ${p.score}::int, now(), clock_timestamp(),
                 ${crossPostFlagSql(sql`${p.userId}::int`, sql`${p.postId}::int`)}
          from (${ratablePost(p.postId)}) t where t.locked_at is null
          ${REPLACE_OLDER}
        )
        select 1 as n, ${OUTCOME},
               ${liveRaters(sql`${p.postId}::int`)} + (u.user_id is not null and u.previous_score is null)::int as live
        from (select) one
        left join (${ratablePost(p.postId)}) t on true
        left join up u on true`,
);

/** One statement for a batch (no two of one user): each rating's result, or the refusal that is its own. */
export async function submitBatch(db: Db, batch: SubmitInput[]): Promise<(RatingResult | DomainError)[]> {
  const found =
    batch.length === 1
      ? await SUBMIT_ONE_STATEMENT.rows<SubmitRow>(db, batch[0]!)
      : await SUBMIT_STATEMENT.rows<SubmitRow>(db, {
          posts: intArrayParam(batch.map((input) => input.postId)),
          users: intArrayParam(batch.map((input) => input.userId)),
          scores: intArrayParam(batch.map((input) => input.score)),
        });
  return batch.map((input, index) => {
    const row = found[index];
    if (!row || row.n !== index + 1) throw new Error("the submit statement answered out of order");
    // A missing post yields no target row: 404, as for a deleted or hidden one.
    if (!row.found) return new PostNotFoundError(input.postId);
    if (row.locked) return new PostLockedError(input.postId);
    return {
      postId: input.postId,
      myRating: input.score,
      // Exact: the count in this statement's snapshot plus its own new ratings (O(1), post_rater_counts).
      ratingCount: row.live,
      score: row.score,
      changed: row.changed,
      updatedAt: row.updated_at,
      previous: replaced(row.previous_score, row.previous_updated_at),
    };
  });
}

/**
 * Statements in flight per database: with the default pool of 10 connections, ratings never take
 * more than half of them from the reads. Under load each statement carries what arrived meanwhile.
 */
export const SUBMIT_QUEUE = { inFlight: 4, maxBatch: 100 } as const;

const submitShared = sharedStatements(submitBatch, {
  ...SUBMIT_QUEUE,
  key: (item: SubmitInput) => item.userId,
});

/**
 * Stores a user's rating of a post. Concurrent calls on a database the process opened share
 * statements; a transaction's calls run alone. A foreign-key error can only mean the user's
 * account is gone, which the protected procedure turns into 401.
 */
export async function submitRating(db: Db, input: SubmitInput): Promise<RatingResult> {
  const result = await submitShared(db, input);
  if (result instanceof DomainError) throw result;
  return result;
}

/** What a write replaced: the old score, when it was written, and the window it was counted in. */
export function replaced(score: number | null, updatedAt: string | null): RatingResult["previous"] {
  return score !== null && updatedAt !== null
    ? { score, updatedAt, windowStart: windowStartIso(updatedAt, serverConfig().engine.windowSeconds) }
    : null;
}
