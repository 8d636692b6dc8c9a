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

/** SQL: the post's not-yet-folded ratings, counted up to EXACT_UNFOLDED_LIMIT + 1. */
export function unfoldedCountCapped(postIdColumn: SQL): SQL {
  return sql`(select count(*)::int from (
                select 1 from ratings u where u.post_id = ${postIdColumn} and u.folded_score is null
                limit ${EXACT_UNFOLDED_LIMIT + 1}) capped)`;
}

type Entry = { folded: number; unfolded: number; at: number };
const cache = new Map<number, Entry>();

/**
 * The live count of a post: folded ratings plus those not folded yet. `folded` and `cappedUnfolded`
 * come from one statement (one snapshot). Below the cap they are exact. Above it, the exact count is
 * taken at most once a second per post, and only reused while the post's folded count is unchanged,
 * so a fold in between can never make a rating count twice.
 */
export async function liveCount(
  db: Db,
  postId: number,
  folded: number,
  cappedUnfolded: number,
  now = Date.now(),
): Promise<number> {
  if (cappedUnfolded <= EXACT_UNFOLDED_LIMIT) return folded + cappedUnfolded;
  const cached = cache.get(postId);
  if (cached && cached.folded === folded && now - cached.at < CACHE_MS)
    return cached.folded + cached.unfolded;
  const [fresh] = await rows<{ folded: number; unfolded: number }>(
    db,
    sql`select p.rating_count as folded,
               (select count(*)::int from ratings u where u.post_id = p.id and u.folded_score is null) as unfolded
        from posts p where p.id = ${postId}`,
  );
  if (!fresh) return folded + cappedUnfolded;
  if (cache.size > 10_000) cache.clear();
  cache.set(postId, { ...fresh, at: now });
  return fresh.folded + fresh.unfolded;
}
