import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { saveFoldRun } from "@/server/operations/fold-runs";
import { recordFold } from "@/server/telemetry/metrics";
import { inSpan } from "@/server/telemetry/tracing";
import type { EngineConfig } from "./config";
import { lockEngine } from "./engine-lock";
import { rescorePending } from "./rescore";
import { utcDay } from "./scoring/site-profile";
import { ensureSiteProfile, storedSiteProfile } from "./site-profile-store";
import { foldChangedRatings } from "./window-store";
import { pagesChanged } from "@/server/posts/page-cache";

/**
 * Ratings waiting for the fold (changed, new or cleared since it last counted them), and the age
 * in seconds of the oldest of them (0 when none is). The same predicate as the fold's batch, so
 * ratings_pending_idx finds them.
 */
export async function foldBacklog(db: Db): Promise<{ pending: number; lagSeconds: number }> {
  const [row] = await rows<{ pending: number; lag: number }>(
    db,
    sql`select count(*)::int as pending,
               coalesce(extract(epoch from now() - min(updated_at)), 0)::float8 as lag
        from ratings where folded_at is distinct from updated_at or folded_score is distinct from score`,
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
  /** The clock: its UTC day is the one whose site profile the run makes sure of (tests replay past days). */
  now?: Date;
};

/**
 * Moves up to `batchSize` changed ratings into rating_windows, in one transaction: −1 at the
 * (window, star) each row was last folded into, +1 at its current one, the row marked folded to
 * exactly the values read, and the post's count and sum moved by the same deltas. A crash at any
 * point commits all of it or none of it, so nothing is counted twice or lost.
 */
export async function foldBatch(
  db: Db,
  config: EngineConfig,
  options: FoldOptions = {},
  before: number | null = null,
): Promise<FoldBatch> {
  const batchSize = options.batchSize ?? 10_000;
  return db.transaction(async (tx) => {
    await lockEngine(tx);
    const batch = await foldChangedRatings(tx, batchSize, config.windowSeconds, before);
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
    // The day's first run learns the day's site profile from the ratings as they stood when the
    // day began: what was changed before midnight is folded first, then the profile is learned,
    // then the day's own ratings are folded (a re-rating after midnight has not yet left its old
    // window). Later runs find the profile and skip this.
    const day = utcDay((options.now ?? new Date()).getTime() / 1000);
    if ((await storedSiteProfile(db, day)) === undefined) {
      for (;;) {
        const early = await foldBatch(db, config, options, day);
        if (early.folded === 0) break;
        batchSizes.push(early.folded);
      }
      await ensureSiteProfile(db, day, config.windowSeconds);
    }
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
    if (report.folded > 0 || postsRescored > 0) pagesChanged();
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
