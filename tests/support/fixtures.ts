import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { createCaller } from "@/server/api/root";
import { UNLIMITED } from "@/server/limits";
import { createPost } from "@/server/posts/queries";
import { runFold } from "@/server/ratings/fold";
import type { PolicyName } from "@/server/ratings/scoring/policy";

let nextUser = 0;

/** Users inserted directly (no password hashing: these tests are not about sign-in). */
export async function makeUsers(db: Db, count: number): Promise<number[]> {
  const base = nextUser;
  nextUser += count;
  const created = await rows<{ id: number }>(
    db,
    sql`insert into users (email, name, password_hash)
        select 'user' || g || '-' || ${base} || '@example.test', 'User ' || (g + ${base}), 'not-a-hash'
        from generate_series(1, ${count}) g
        returning id`,
  );
  return created.map((row) => row.id);
}

export async function makeUser(db: Db): Promise<number> {
  const [id] = await makeUsers(db, 1);
  if (id === undefined) throw new Error("no user created");
  return id;
}

export async function makePost(
  db: Db,
  authorId: number,
  title = "A post",
  content = "Some words to read here.",
): Promise<number> {
  return (await createPost(db, { authorId, title, content })).id;
}

export function callerFor(db: Db, userId: number | null) {
  return createCaller({ db, userId, ip: "unknown", resHeaders: null, limits: UNLIMITED });
}

export async function countRatings(db: Db): Promise<number> {
  const [row] = await rows<{ n: number }>(db, sql`select count(*)::int as n from ratings`);
  return row?.n ?? 0;
}

/** Everything a rejected request must leave untouched. */
export async function snapshot(db: Db): Promise<string> {
  const [row] = await rows<{ s: string }>(
    db,
    sql`select concat_ws('|',
          (select count(*) from users), (select count(*) from posts), (select count(*) from ratings),
          (select coalesce(sum(score * 7 + post_id * 3 + user_id), 0) || ':' || coalesce(max(updated_at)::text, '') from ratings),
          (select coalesce(sum(rating_count), 0) || ':' || coalesce(sum(rating_sum), 0) from posts)) as s`,
  );
  return row?.s ?? "";
}

/** Runs the fold as the cron would, with the given policy (default: the plain mean, for exact arithmetic). */
export async function fold(db: Db, policy: PolicyName = "mean", windowSeconds = 120) {
  return runFold(db, { policy, windowSeconds });
}
