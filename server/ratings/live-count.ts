import { sql, type SQL } from "drizzle-orm";
import { rows, type Db } from "@/db/client";

/**
 * Up to this many not-yet-folded ratings of a post are counted exactly on every read: an index
 * range scan of at most this size costs well under a millisecond. A post past it is being rated
 * faster than the fold runs; there the count comes from a short-lived cache instead of re-counting
 * tens of thousands of rows on every request.
 */
export const EXACT_UNFOLDED_LIMIT = 1000;
const CACHE_MS = 1000;

/** SQL: a pending row's effect on the live count: +1 new (not counted yet), −1 cleared (still counted). */
const PENDING_DELTA = sql`case when u.score is null then -1 else 1 end`;
/** SQL: the row's presence in the aggregates is about to change (the partial index ratings_unfolded_idx). */
const PRESENCE_CHANGES = sql`(u.folded_score is null) <> (u.score is null)`;

/**
 * SQL: what the post's pending new and cleared ratings add to its folded count, read from at most
 * EXACT_UNFOLDED_LIMIT + 1 rows; null when there are more (then `liveCount` counts them all).
 */
export function unfoldedCountCapped(postIdColumn: SQL): SQL {
  return sql`(select case when count(*) > ${EXACT_UNFOLDED_LIMIT} then null else coalesce(sum(capped.d), 0)::int end
              from (select ${PENDING_DELTA} as d from ratings u
                    where u.post_id = ${postIdColumn} and ${PRESENCE_CHANGES}
                    limit ${EXACT_UNFOLDED_LIMIT + 1}) capped)`;
}

type Entry = { folded: number; unfolded: number; at: number };
const cache = new Map<number, Entry>();

/**
 * The live count of a post: folded ratings plus new ones not folded yet, minus cleared ones the
 * fold still counts. `folded` and `cappedUnfolded` come from one statement (one snapshot); a
 * non-null `cappedUnfolded` is exact. Above the cap (null), the exact count is taken at most once a
 * second per post, and only reused while the post's folded count is unchanged, so a fold in between
 * can never make a rating count twice.
 */
export async function liveCount(
  db: Db,
  postId: number,
  folded: number,
  cappedUnfolded: number | null,
  now = Date.now(),
): Promise<number> {
  if (cappedUnfolded !== null) return folded + cappedUnfolded;
  const cached = cache.get(postId);
  if (cached && cached.folded === folded && now - cached.at < CACHE_MS)
    return cached.folded + cached.unfolded;
  const [fresh] = await rows<{ folded: number; unfolded: number }>(
    db,
    sql`select p.rating_count as folded,
               (select coalesce(sum(${PENDING_DELTA}), 0)::int from ratings u
                where u.post_id = p.id and ${PRESENCE_CHANGES}) as unfolded
        from posts p where p.id = ${postId}`,
  );
  if (!fresh) return folded;
  if (cache.size > 10_000) cache.clear();
  cache.set(postId, { ...fresh, at: now });
  return fresh.folded + fresh.unfolded;
}
