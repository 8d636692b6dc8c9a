import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";

/**
 * Checks the live rater counts (post_rater_counts) of the posts with ids in [from, to) against
 * the ratings themselves, rewrites the stripes of any post that differs, and returns each such
 * post's difference (stored − actual). Triggers keep the counts exact, so anything found here
 * means a write went around them (a restored dump without triggers, a manual fix).
 *
 * Safe while ratings are written: the check reads counts and ratings in one snapshot, where the
 * triggers' changes are always together with the ratings they count; the repair deletes the
 * post's stripes (waiting for any writer holding one) before counting again in a later snapshot,
 * and a writer that comes after the delete adds to the re-inserted row.
 */
export async function repairRaterCounts(
  tx: Db,
  range: { from: number; to: number },
): Promise<Map<number, number>> {
  const differing = await rows<{ post_id: number; difference: number }>(
    tx,
    sql`with actual as (
          select post_id, count(*)::int as raters from ratings
          where post_id >= ${range.from} and post_id < ${range.to} and score is not null group by post_id
        ),
        stored as (
          select post_id, sum(raters)::int as raters from post_rater_counts
          where post_id >= ${range.from} and post_id < ${range.to} group by post_id
        )
        select coalesce(a.post_id, s.post_id) as post_id, coalesce(s.raters, 0) - coalesce(a.raters, 0) as difference
        from actual a full join stored s on s.post_id = a.post_id
        where coalesce(s.raters, 0) <> coalesce(a.raters, 0)`,
  );
  const drift = new Map(differing.map((row) => [row.post_id, row.difference]));
  if (drift.size === 0) return drift;
  const ids = [...drift.keys()];
  await rows(tx, sql`delete from post_rater_counts where post_id in ${ids}`);
  await rows(
    tx,
    sql`insert into post_rater_counts (post_id, stripe, raters)
        select post_id, user_id % 8, count(*)::int from ratings
        where post_id in ${ids} and score is not null group by 1, 2`,
  );
  return drift;
}
