import { sql, type SQL } from "drizzle-orm";

/**
 * SQL: the live rating count of a post, the number of its ratings that have a score (folded or
 * not), read from post_rater_counts: at most 8 index entries whatever the post's unfolded backlog.
 * Triggers on ratings keep those rows exact in the same transaction as every write, so a statement
 * sees a count consistent with the ratings in its snapshot; the writes of the statement itself are
 * not in it (its triggers run after), so a writer adds its own change.
 */
export function liveRaters(postIdColumn: SQL): SQL {
  return sql`(select coalesce(sum(c.raters), 0)::int from post_rater_counts c where c.post_id = ${postIdColumn})`;
}
