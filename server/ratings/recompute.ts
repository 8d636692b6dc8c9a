import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";

/**
 * Rebuilds every post's count, sum and mean from the ratings table alone, in one set-based
 * statement. Returns how many posts had stored aggregates that differed.
 */
export async function recomputeAllAggregates(db: Db): Promise<{ postsChanged: number }> {
  const changed = await rows<{ id: number }>(
    db,
    sql`with truth as (
          select p.id, coalesce(a.n, 0) as n, coalesce(a.total, 0) as total
          from posts p
          left join (select post_id, count(*)::int as n, sum(score)::bigint as total from ratings group by post_id) a
            on a.post_id = p.id
        )
        update posts p set rating_count = t.n, rating_sum = t.total,
                           score = case when t.n = 0 then null else t.total::float8 / t.n end
        from truth t
        where p.id = t.id and (p.rating_count <> t.n or p.rating_sum <> t.total
              or p.score is distinct from case when t.n = 0 then null else t.total::float8 / t.n end)
        returning p.id`,
  );
  return { postsChanged: changed.length };
}
