import type { Db } from "@/db/client";
import type { EngineConfig } from "./config";
import { lockEngine } from "./engine-lock";
import { rescorePending } from "./rescore";
import { foldChangedRatings } from "./window-store";

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
    const batch = await foldChangedRatings(tx, batchSize, config.windowSeconds);
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
