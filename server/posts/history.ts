import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { summarize, type EngineState } from "@/server/ratings/scoring/engine";
import { mean, total, type Histogram } from "@/server/ratings/scoring/histogram";

export type HistoryPoint = {
  windowStart: string;
  /** Ratings whose last update falls in this window. */
  count: number;
  mean: number | null;
  /** The displayed score as of the end of this window (null until the fold has scored it). */
  score: number | null;
};

type Row = { start: string; c: Histogram; state: string | null };

/** A post's windows over the last `hours`, oldest first, with the score after each. */
export async function getPostHistory(db: Db, postId: number, hours: number): Promise<HistoryPoint[]> {
  const found = await rows<Row>(
    db,
    sql`select to_char(window_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as start,
               array[c0, c1, c2, c3, c4, c5] as c, state
        from rating_windows
        where post_id = ${postId} and window_start >= now() - make_interval(hours => ${hours})
        order by window_start`,
  );
  return found.map((row) => ({
    windowStart: row.start,
    count: total(row.c),
    mean: mean(row.c),
    score: row.state ? summarize(JSON.parse(row.state) as EngineState).score : null,
  }));
}
