import type { Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { initialState, replay, summarize } from "@/server/ratings/scoring/engine";
import { mean, total } from "@/server/ratings/scoring/histogram";
import { loadPostWindowsSince } from "@/server/ratings/window-store";

export type HistoryPoint = {
  windowStart: string;
  /** Ratings whose last update falls in this window. */
  count: number;
  mean: number | null;
  /** The displayed score as of the end of this window (null until the fold has scored it). */
  score: number | null;
};

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
  const { resume, windows } = await loadPostWindowsSince(db, postId, since, config.policy);
  const states = replay(resume ?? initialState(config.policy), windows, config.windowSeconds);
  return windows.flatMap((w, i) =>
    w.start < since
      ? []
      : [
          {
            windowStart: new Date(w.start * 1000).toISOString(),
            count: total(w.counts),
            mean: mean(w.counts),
            score: summarize(states[i]!).score,
          },
        ],
  );
}
