import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "./config";
import { lockEngine, windowOf } from "./engine-lock";
import { rescorePending } from "./rescore";

export type FoldBatch = { folded: number; windows: number; posts: number };

export type FoldReport = { batches: number; folded: number; postsRescored: number; durationMs: number };

export type FoldOptions = {
  batchSize?: number;
  onProgress?: (message: string) => void;
  /** Test hook: runs inside each batch's transaction after its statement, before commit. */
  afterBatchStatement?: (batch: FoldBatch) => Promise<void> | void;
};

/**
 * Moves up to `batchSize` changed ratings into rating_windows, in one transaction: −1 at the
 * (window, star) each row was last folded into, +1 at its current one, the row marked folded to
 * exactly the values read, and the post's count and sum moved by the same deltas. A cleared rating
 * (score null) gets only its −1, is marked folded as "counted nowhere", and is then deleted. A crash
 * at any point commits all of it or none of it, so nothing is counted twice or lost.
 */
export async function foldBatch(db: Db, config: EngineConfig, options: FoldOptions = {}): Promise<FoldBatch> {
  const batchSize = options.batchSize ?? 10_000;
  return db.transaction(async (tx) => {
    await lockEngine(tx);
    const [result] = await rows<{
      folded: number;
      windows: number;
      posts: number;
      emptied: string | null;
      cleared: string | null;
    }>(
      tx,
      sql`with batch as (
            select post_id, user_id, score, updated_at, folded_score, folded_at
            from ratings
            where folded_at is distinct from updated_at or folded_score is distinct from score
            limit ${batchSize}
          ),
          moves as (
            select post_id, ${windowOf(sql`folded_at`, config.windowSeconds)} as ws, folded_score::int as s, -1 as d
            from batch where folded_score is not null
            union all
            select post_id, ${windowOf(sql`updated_at`, config.windowSeconds)}, score::int, 1 from batch
            where score is not null
          ),
          sums as (
            select post_id, ws,
                   coalesce(sum(d) filter (where s = 0), 0)::int as c0, coalesce(sum(d) filter (where s = 1), 0)::int as c1,
                   coalesce(sum(d) filter (where s = 2), 0)::int as c2, coalesce(sum(d) filter (where s = 3), 0)::int as c3,
                   coalesce(sum(d) filter (where s = 4), 0)::int as c4, coalesce(sum(d) filter (where s = 5), 0)::int as c5,
                   sum(d)::int as dn, sum(d * s)::int as ds, bool_or(d < 0) as removes
            from moves group by post_id, ws
          ),
          changed as (
            select * from sums where c0 <> 0 or c1 <> 0 or c2 <> 0 or c3 <> 0 or c4 <> 0 or c5 <> 0
          ),
          windows as (
            insert into rating_windows as w (post_id, window_start, c0, c1, c2, c3, c4, c5)
            select post_id, ws, c0, c1, c2, c3, c4, c5 from changed
            on conflict (post_id, window_start) do update
              set c0 = w.c0 + excluded.c0, c1 = w.c1 + excluded.c1, c2 = w.c2 + excluded.c2,
                  c3 = w.c3 + excluded.c3, c4 = w.c4 + excluded.c4, c5 = w.c5 + excluded.c5
            returning 1
          ),
          marked as (
            update ratings r set folded_score = b.score, folded_at = b.updated_at
            from batch b where r.post_id = b.post_id and r.user_id = b.user_id
            returning 1
          ),
          touched as (
            update posts p
            set rating_count = p.rating_count + t.dn,
                rating_sum = p.rating_sum + t.ds,
                rescore_from = least(coalesce(p.rescore_from, t.first_ws), t.first_ws)
            from (select post_id, sum(dn)::int as dn, sum(ds)::bigint as ds, min(ws) as first_ws from changed group by post_id) t
            where p.id = t.post_id
            returning 1
          )
          select (select count(*)::int from marked) as folded,
                 (select count(*)::int from windows) as windows,
                 (select count(*)::int from touched) as posts,
                 (select json_agg(json_build_object('p', post_id, 'w', extract(epoch from ws)::bigint))::text
                    from changed where removes) as emptied,
                 (select json_agg(json_build_object('p', post_id, 'u', user_id))::text
                    from batch where score is null) as cleared`,
    );
    const batch = { folded: result?.folded ?? 0, windows: result?.windows ?? 0, posts: result?.posts ?? 0 };
    if (result?.emptied) {
      // A window left with no ratings is deleted, so the table stays equal to a GROUP BY over ratings.
      await rows(
        tx,
        sql`delete from rating_windows w
            using jsonb_to_recordset(${result.emptied}::jsonb) as x(p int, w bigint)
            where w.post_id = x.p and w.window_start = to_timestamp(x.w)
              and w.c0 = 0 and w.c1 = 0 and w.c2 = 0 and w.c3 = 0 and w.c4 = 0 and w.c5 = 0`,
      );
    }
    if (result?.cleared) {
      // The cleared ratings are now counted nowhere. The re-check of score and folded_at skips a row
      // re-rated since the batch read it: that row stays, pending as a new rating.
      await rows(
        tx,
        sql`delete from ratings r
            using jsonb_to_recordset(${result.cleared}::jsonb) as x(p int, u int)
            where r.post_id = x.p and r.user_id = x.u
              and r.score is null and r.folded_score is null and r.folded_at = r.updated_at`,
      );
    }
    await options.afterBatchStatement?.(batch);
    return batch;
  });
}

/** Folds until nothing is pending, then re-scores every post whose windows changed. */
export async function runFold(db: Db, config: EngineConfig, options: FoldOptions = {}): Promise<FoldReport> {
  const started = performance.now();
  let batches = 0;
  let folded = 0;
  for (;;) {
    const batch = await foldBatch(db, config, options);
    if (batch.folded === 0) break;
    batches += 1;
    folded += batch.folded;
    options.onProgress?.(
      `batch ${batches}: folded ${batch.folded} ratings into ${batch.windows} windows of ${batch.posts} posts`,
    );
  }
  const postsRescored = await rescorePending(db, config, { onProgress: options.onProgress });
  return { batches, folded, postsRescored, durationMs: Math.round(performance.now() - started) };
}
