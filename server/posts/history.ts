import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { checkpointState, parseState } from "@/server/ratings/rescore";
import { initialState, replay, summarize } from "@/server/ratings/scoring/engine";
import { mean, total, type Histogram } from "@/server/ratings/scoring/histogram";

export type HistoryPoint = {
  windowStart: string;
  /** Ratings whose last update falls in this window. */
  count: number;
  mean: number | null;
  /** The displayed score as of the end of this window (null until the fold has scored it). */
  score: number | null;
};

type Row = { start: number; c: Histogram; state: string | null };

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
  const found = await rows<Row>(
    db,
    sql`with since as (select now() - make_interval(hours => ${hours}) as t),
        checkpoint as (
          select w.window_start from rating_windows w, since
          where w.post_id = ${postId} and w.window_start < since.t and ${checkpointState("w")}
          order by w.window_start desc limit 1
        )
        select extract(epoch from w.window_start)::float8 as start, array[c0, c1, c2, c3, c4, c5] as c,
               case when w.window_start = (select window_start from checkpoint) then w.state end as state
        from rating_windows w
        where w.post_id = ${postId} and w.window_start >= coalesce((select window_start from checkpoint), '-infinity')
        order by w.window_start`,
  );
  const checkpoint = found[0]?.state ? parseState(found[0].state, config) : null;
  const windows = (checkpoint ? found.slice(1) : found).map((row) => ({
    start: Number(row.start),
    counts: row.c,
  }));
  const states = replay(checkpoint ?? initialState(config.policy), windows, config.windowSeconds);
  const since = Date.now() / 1000 - hours * 3600;
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
