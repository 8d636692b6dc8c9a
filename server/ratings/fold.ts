import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "./config";
import { lockEngine, windowOf } from "./engine-lock";
import { saveFoldRun } from "@/server/operations/fold-runs";
import { recordFold } from "@/server/telemetry/metrics";
import { inSpan } from "@/server/telemetry/tracing";
import { rescorePending } from "./rescore";

/** SQL: the rating row has changed since the fold last counted it (ratings_pending_idx covers it). */
const PENDING = sql`(folded_at is distinct from updated_at or folded_score is distinct from score)`;

/** Ratings waiting for the fold, and the age in seconds of the oldest of them (0 when none is). */
export async function foldBacklog(db: Db): Promise<{ pending: number; lagSeconds: number }> {
  const [row] = await rows<{ pending: number; lag: number }>(
    db,
    sql`select count(*)::int as pending,
               coalesce(extract(epoch from now() - min(updated_at)), 0)::float8 as lag
        from ratings where ${PENDING}`,
  );
  return { pending: row?.pending ?? 0, lagSeconds: Math.max(0, row?.lag ?? 0) };
}

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
 * exactly the values read, and the post's count and sum moved by the same deltas. A crash at any
 * point commits all of it or none of it, so nothing is counted twice or lost.
 */
export async function foldBatch(db: Db, config: EngineConfig, options: FoldOptions = {}): Promise<FoldBatch> {
  const batchSize = options.batchSize ?? 10_000;
  return db.transaction(async (tx) => {
    await lockEngine(tx);
    const [result] = await rows<{ folded: number; windows: number; posts: number; emptied: string | null }>(
      tx,
      sql`with batch as (
            select post_id, user_id, score, updated_at, folded_score, folded_at
            from ratings
            where ${PENDING}
            limit ${batchSize}
          ),
          moves as (
            select post_id, ${windowOf(sql`folded_at`, config.windowSeconds)} as ws, folded_score::int as s, -1 as d
            from batch where folded_score is not null
            union all
            select post_id, ${windowOf(sql`updated_at`, config.windowSeconds)}, score::int, 1 from batch
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
                    from changed where removes) as emptied`,
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
    await options.afterBatchStatement?.(batch);
    return batch;
  });
}

/**
 * Folds until nothing is pending, then re-scores every post whose windows changed. The run is
 * traced (a span per batch), counted in the metrics and kept in fold_runs for the lag history.
 */
export async function runFold(db: Db, config: EngineConfig, options: FoldOptions = {}): Promise<FoldReport> {
  return inSpan("fold", { "steadystar.window_seconds": config.windowSeconds }, async (span) => {
    const startedAt = new Date();
    const started = performance.now();
    const backlog = await foldBacklog(db);
    const batchSizes: number[] = [];
    for (;;) {
      const batch = await inSpan(
        "fold batch",
        { "steadystar.fold.batch": batchSizes.length + 1 },
        async (s) => {
          const moved = await foldBatch(db, config, options);
          s?.setAttributes({
            "steadystar.fold.ratings": moved.folded,
            "steadystar.fold.windows": moved.windows,
            "steadystar.fold.posts": moved.posts,
          });
          return moved;
        },
      );
      if (batch.folded === 0) break;
      batchSizes.push(batch.folded);
      options.onProgress?.(
        `batch ${batchSizes.length}: folded ${batch.folded} ratings into ${batch.windows} windows of ${batch.posts} posts`,
      );
    }
    const postsRescored = await rescorePending(db, config, { onProgress: options.onProgress });
    const report: FoldReport = {
      batches: batchSizes.length,
      folded: batchSizes.reduce((sum, n) => sum + n, 0),
      postsRescored,
      durationMs: Math.round(performance.now() - started),
    };
    span?.setAttributes({
      "steadystar.fold.pending_before": backlog.pending,
      "steadystar.fold.lag_seconds": backlog.lagSeconds,
      "steadystar.fold.ratings": report.folded,
      "steadystar.fold.posts_rescored": postsRescored,
    });
    recordFold(report, batchSizes);
    await saveFoldRun(db, {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      pendingBefore: backlog.pending,
      lagSeconds: backlog.lagSeconds,
      ...report,
    });
    return report;
  });
}
