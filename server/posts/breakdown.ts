import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { parseStoredState, summarize } from "@/server/ratings/scoring/engine";
import { emptyHistogram, mean, total, type Histogram } from "@/server/ratings/scoring/histogram";

/** The stars of a set of ratings: how many of each, how many in all, and their plain mean. */
export type StarSummary = { histogram: Histogram; count: number; mean: number | null };

/** "Recent vs all time", as on game stores: the same ratings, all of them and the last `days` only. */
export type RatingBreakdown = { days: number; recent: StarSummary; allTime: StarSummary };

function summary(histogram: Histogram): StarSummary {
  return { histogram, count: total(histogram), mean: mean(histogram) };
}

const STAR_SUMS = sql.raw(
  [0, 1, 2, 3, 4, 5].map((s) => `coalesce(sum(w.c${s}), 0)::int as c${s}`).join(", "),
);

type Row = { state: string | null; c0: number; c1: number; c2: number; c3: number; c4: number; c5: number };

/**
 * A post's ratings as the last fold counted them, so both figures agree with the count and score
 * shown beside them: all of them (the totals of the post's stored engine state, no scan) and those
 * of the windows of the last `days` (a range of the windows' primary key). A rating belongs to the
 * window of its last update, so "recent" means rated or changed recently.
 */
export async function getRatingBreakdown(db: Db, postId: number, days: number): Promise<RatingBreakdown> {
  const [row] = await rows<Row>(
    db,
    sql`select p.score_state as state, ${STAR_SUMS}
        from posts p
        left join rating_windows w
          on w.post_id = p.id and w.window_start >= now() - make_interval(days => ${days})
        where p.id = ${postId}
        group by p.id`,
  );
  const allTime = row?.state ? summarize(parseStoredState(row.state)).histogram : emptyHistogram();
  const recent: Histogram = row ? [row.c0, row.c1, row.c2, row.c3, row.c4, row.c5] : emptyHistogram();
  return { days, recent: summary(recent.map(Number) as Histogram), allTime: summary(allTime) };
}
