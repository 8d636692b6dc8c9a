import type { Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { initialState, replay, summarize, type EngineState } from "@/server/ratings/scoring/engine";
import { mean, total } from "@/server/ratings/scoring/histogram";
import { withSiteProfiles } from "@/server/ratings/scoring/site-profile";
import { loadSiteProfiles } from "@/server/ratings/site-profile-store";
import { loadPostWindowsSince } from "@/server/ratings/window-store";

export type HistoryPoint = {
  windowStart: string;
  /** Ratings whose last update falls in this window. */
  count: number;
  mean: number | null;
  /** The displayed score as of the end of this window (null until the fold has scored it). */
  score: number | null;
  /** Rating weight of this window the policy held aside as a burst or campaign (0: none). */
  held: number;
};

/** Weight held aside after a state: what the steadiness explanation reports, 0 when nothing is. */
const heldAfter = (state: EngineState) => summarize(state).steadiness?.heldCount ?? 0;

/**
 * A post's windows over the last `hours`, oldest first, with the score after each: replayed from
 * the last checkpoint state before the range, with the same code the fold uses.
 */
export async function getPostHistory(
  db: Db,
  postId: number,
  hours: number,
  config: EngineConfig,
): Promise<HistoryPoint[]> {
  const since = Date.now() / 1000 - hours * 3600;
  const loaded = await loadPostWindowsSince(db, postId, since, config.policy);
  const { resume } = loaded;
  // Scored against each day's stored site profile, as the fold scored them.
  const windows = withSiteProfiles(
    loaded.windows,
    await loadSiteProfiles(db, loaded.windows[0]?.start ?? null),
  );
  const start = resume ?? initialState(config.policy);
  const states = replay(start, windows, config.windowSeconds);
  const points: HistoryPoint[] = [];
  let before = start;
  windows.forEach((w, i) => {
    const after = states[i]!;
    const summary = summarize(after);
    if (w.start >= since)
      points.push({
        windowStart: new Date(w.start * 1000).toISOString(),
        count: total(w.counts),
        mean: mean(w.counts),
        score: summary.score,
        // A window that held ratings is the last held one right after it; releases happen only in
        // calm windows, so the growth of the held weight is exactly what this window held.
        held:
          summary.steadiness?.lastHeldAt === w.start ? Math.max(0, heldAfter(after) - heldAfter(before)) : 0,
      });
    before = after;
  });
  return points;
}
