import { sql, type SQL } from "drizzle-orm";
import { CROSS_POST_FLAG } from "./scoring/cross-post";

/**
 * SQL: the cross-post flag of a rating `userId` is writing on `postId` now — whether the account
 * has at least CROSS_POST_FLAG.otherPosts ratings of other posts last written within the previous
 * CROSS_POST_FLAG.seconds. One probe of ratings_user_recent_idx (user_id, updated_at) that stops
 * after otherPosts matching rows, so its cost does not grow with the account's history. The same rule
 * as AccountActivity in replay: a rating counts by its last write (a re-submit of the same score
 * writes nothing); a cleared rating counts not at all. `at` is the time of the write (a test that
 * writes history with past timestamps gives it).
 */
export function crossPostFlagSql(userId: unknown, postId: SQL, at: SQL = sql`now()`): SQL {
  const seconds = sql.raw(String(CROSS_POST_FLAG.seconds));
  const enough = sql.raw(String(CROSS_POST_FLAG.otherPosts));
  return sql`((select count(*) from (
      select 1 from ratings o
      where o.user_id = ${userId} and o.updated_at > ${at} - make_interval(secs => ${seconds})
        and o.post_id <> ${postId} and o.score is not null
      limit ${enough}) recent) >= ${enough})`;
}
