import type { Db } from "@/db/client";
import type { EngineConfig } from "./config";
import { inSpan } from "@/server/telemetry/tracing";
import { lockEngine } from "./engine-lock";
import type { EngineState } from "./scoring/engine";
import { withSiteProfilesByPost } from "./scoring/site-profile";
import { scorePosts } from "./scoring/windows";
import { loadSiteProfiles } from "./site-profile-store";
import { claimMarkedPosts, loadWindowsAfter, saveScores } from "./window-store";

/**
 * Re-scores up to `limit` posts marked by the fold, in one transaction: each from the checkpoint
 * state stored before its first changed window (or from scratch), replaying every window after it.
 */
async function rescoreChunk(db: Db, config: EngineConfig, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    await lockEngine(tx);
    const marked = await claimMarkedPosts(tx, limit, config.policy);
    if (marked.size === 0) return 0;
    const starts = new Map<number, EngineState>();
    for (const [id, point] of marked) if (point) starts.set(id, point.state);
    const resumeFrom = [...marked.values()].map((point) => point?.after ?? -Infinity);
    const earliest = Math.min(...resumeFrom);
    const profiles = await loadSiteProfiles(tx, Number.isFinite(earliest) ? earliest : null);
    const windows = withSiteProfilesByPost(await loadWindowsAfter(tx, marked), profiles);
    await saveScores(
      tx,
      scorePosts([...marked.keys()], starts, windows, config.policy, config.windowSeconds),
    );
    return marked.size;
  });
}

export async function rescorePending(
  db: Db,
  config: EngineConfig,
  options: { chunkSize?: number; onProgress?: (message: string) => void } = {},
): Promise<number> {
  return inSpan("rescore", { "steadystar.policy": config.policy }, async (span) => {
    let total = 0;
    for (;;) {
      const n = await rescoreChunk(db, config, options.chunkSize ?? 500);
      if (n === 0) break;
      total += n;
      options.onProgress?.(`re-scored ${total} posts`);
    }
    span?.setAttribute("steadystar.rescore.posts", total);
    return total;
  });
}
