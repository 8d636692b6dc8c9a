import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows, type Db } from "@/db/client";
import { runCorrection } from "@/server/ratings/correction";
import { clearRating, removeRatingsOf } from "@/server/ratings/removal";
import { submitRating } from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { callerFor, fold, makePost, makeUser, makeUsers } from "../support/fixtures";

const handle = testDbForFile();

async function actualRaters(db: Db, postId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ratings where post_id = ${postId} and score is not null`,
  );
  return row?.n ?? 0;
}

/** Every (post, stripe) whose stored live count differs from its ratings with a score: none when exact. */
async function stripeDrift(db: Db, postIds: number[]) {
  return rows<{ post_id: number; stripe: number; actual: number | null; stored: number | null }>(
    db,
    sql`with actual as (
          select post_id, (user_id % 8)::int as stripe, count(*)::int as n from ratings
          where post_id in ${postIds} and score is not null group by 1, 2
        ),
        stored as (
          select post_id, stripe::int as stripe, raters as n from post_rater_counts
          where post_id in ${postIds} and raters <> 0
        )
        select coalesce(a.post_id, s.post_id) as post_id, coalesce(a.stripe, s.stripe) as stripe,
               a.n as actual, s.n as stored
        from actual a full join stored s on s.post_id = a.post_id and s.stripe = a.stripe
        where a.n is distinct from s.n`,
  );
}

/**
 * Row versions of post_rater_counts written (inserted or updated) by this connection and not yet
 * reported to the statistics: a difference within one transaction counts that transaction's own.
 */
async function counterVersionsWritten(tx: Db): Promise<number> {
  const [row] = await rows<{ n: number }>(
    tx,
    sql`select (pg_stat_get_xact_tuples_inserted('post_rater_counts'::regclass)
               + pg_stat_get_xact_tuples_updated('post_rater_counts'::regclass))::int as n`,
  );
  return row?.n ?? -1;
}

async function rateAll(db: Db, postId: number, users: number[], score: number) {
  await rows(
    db,
    sql`insert into ratings (post_id, user_id, score) select ${postId}, id, ${score} from users where id in ${users}`,
  );
}

describe("live rating count of a post", () => {
  it("stays exact with a large unfolded backlog, through folds, for reads and for a submit", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, 1100);
    const postId = await makePost(db, author);
    // Written around the app (as a seed or a restore would): the triggers still count them.
    await rateAll(db, postId, users, 3);
    const api = callerFor(db, null);
    expect((await api.post.byId({ id: postId })).ratingCount).toBe(users.length);

    await fold(db);
    expect((await api.post.byId({ id: postId })).ratingCount).toBe(users.length);

    const more = await makeUsers(db, 1050);
    await rateAll(db, postId, more, 4);
    const total = users.length + more.length;
    const listed = await api.post.list({ sort: "newest" });
    expect(listed.items.find((p) => p.id === postId)?.ratingCount).toBe(total);
    const last = await makeUser(db);
    expect((await submitRating(db, { postId, userId: last, score: 5 })).ratingCount).toBe(total + 1);
    expect((await submitRating(db, { postId, userId: last, score: 1 })).ratingCount).toBe(total + 1);
    expect((await clearRating(db, { postId, userId: last })).ratingCount).toBe(total);
    expect((await submitRating(db, { postId, userId: last, score: 2 })).ratingCount).toBe(total + 1);
  });

  it("is exact after concurrent new raters, re-rates, clears and revivals of one post", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const [rated, cleared, newcomers] = [
      await makeUsers(db, 40),
      await makeUsers(db, 20),
      await makeUsers(db, 40),
    ];
    await rateAll(db, postId, [...rated, ...cleared], 2);
    for (const userId of cleared) await clearRating(db, { postId, userId });
    await fold(db);
    const before = rated.length;
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(before);

    const clearing = rated.slice(0, 15);
    const deleting = rated.slice(15, 22);
    const rerating = rated.slice(22);
    const [outcomes] = await Promise.all([
      Promise.all([
        ...newcomers.map((userId) => submitRating(db, { postId, userId, score: 5 })),
        ...rerating.map((userId) => submitRating(db, { postId, userId, score: 4 })),
        ...clearing.map((userId) => clearRating(db, { postId, userId })),
        ...cleared.map((userId) => submitRating(db, { postId, userId, score: 1 })),
        // The same user twice at once: one new rating, whichever lands first.
        submitRating(db, { postId, userId: newcomers[0]!, score: 0 }),
      ]),
      // Accounts deleted, and the fold marking rows folded and deleting tombstones, meanwhile.
      ...deleting.map((userId) => removeRatingsOf(db, { userId })),
      fold(db),
    ]);
    const expected = before + newcomers.length - clearing.length - deleting.length + cleared.length;
    expect(await actualRaters(db, postId)).toBe(expected);
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(expected);
    // Each answer is a count some moment of the race really had.
    const low = before - clearing.length - deleting.length;
    const high = before + newcomers.length + cleared.length;
    expect(outcomes.every((o) => o.ratingCount >= low && o.ratingCount <= high)).toBe(true);

    await fold(db);
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(expected);
  });

  it("stays exact per stripe through multi-row inserts, upserts, updates and deletes across posts", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const posts = [await makePost(db, author), await makePost(db, author), await makePost(db, author)];
    // Consecutive ids: every stripe of every post gets raters.
    const users = await makeUsers(db, 48);
    const later = await makeUsers(db, 24);
    const exact = async (step: string) => {
      expect({ step, drift: await stripeDrift(db, posts) }).toEqual({ step, drift: [] });
      const api = callerFor(db, null);
      for (const id of posts) {
        expect((await api.post.byId({ id })).ratingCount).toBe(await actualRaters(db, id));
      }
    };

    // Some rows arrive as tombstones (score null): they count for nothing.
    await rows(
      db,
      sql`insert into ratings (post_id, user_id, score)
          select p, u, case when u % 5 = 0 then null else (u % 6)::smallint end
          from unnest(${sql.raw(`array[${posts.join(",")}]`)}) p, unnest(${sql.raw(`array[${users.join(",")}]`)}) u`,
    );
    await exact("multi-row insert");

    // The submit's form, many rows at once: new ratings (insert trigger), and re-rates, revivals
    // of tombstones, clears and unchanged re-submits (update trigger), in one statement.
    const some = [...users.slice(20), ...later];
    await rows(
      db,
      sql`insert into ratings as r (post_id, user_id, score)
          select p, u, case when u % 7 = 0 then null when u % 2 = 0 then (u % 6)::smallint else 5 end
          from unnest(${sql.raw(`array[${posts.slice(0, 2).join(",")}]`)}) p, unnest(${sql.raw(`array[${some.join(",")}]`)}) u
          on conflict (post_id, user_id) do update set score = excluded.score
          where r.score is distinct from excluded.score`,
    );
    await exact("multi-row upsert");

    await rows(
      db,
      sql`update ratings set score = case when score is null then 4 else null end
          where post_id in ${posts} and user_id % 3 = 0`,
    );
    await exact("multi-row update clearing and reviving");

    await rows(db, sql`update ratings set score = 5 - score where post_id in ${posts}`);
    await exact("multi-row re-rate");

    await rows(db, sql`delete from ratings where post_id in ${posts} and user_id % 4 = 1`);
    await exact("multi-row delete of ratings and tombstones");

    // Three changes to ratings in one statement: each kind of trigger fires once for all of them.
    await rows(
      db,
      sql`with gone as (delete from ratings where post_id = ${posts[0]} and user_id % 4 = 2 returning 1),
          cleared as (update ratings set score = null where post_id = ${posts[1]} and user_id % 4 = 3 returning 1),
          added as (
            insert into ratings (post_id, user_id, score)
            select ${posts[2]}, u, 1 from unnest(${sql.raw(`array[${later.join(",")}]`)}) u
            on conflict do nothing returning 1
          )
          select (select count(*) from gone) + (select count(*) from cleared) + (select count(*) from added) as n`,
    );
    await exact("one statement deleting, clearing and inserting");

    await fold(db);
    await exact("after the fold");
    const report = await runCorrection(db, { policy: "mean", windowSeconds: 120 });
    expect(report.postsDrifted).toBe(0);
  });

  it("moves each counter row once per statement, and not at all when no rating gains or loses its score", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const users = await makeUsers(db, 2000);
    const written = await db.transaction(async (tx) => {
      const before = await counterVersionsWritten(tx);
      await rateAll(tx, postId, users, 3);
      return (await counterVersionsWritten(tx)) - before;
    });
    // One row version per stripe, however many ratings the statement wrote (a trigger per row
    // wrote one per rating, all on the same eight rows).
    expect(written).toBe(8);
    expect(await actualRaters(db, postId)).toBe(users.length);
    expect(await stripeDrift(db, [postId])).toEqual([]);

    const counters = sql`select coalesce(string_agg(stripe || ':' || xmin::text, ',' order by stripe), '') as s
                         from post_rater_counts where post_id = ${postId}`;
    const [before] = await rows<{ s: string }>(db, counters);
    await rows(db, sql`update ratings set score = 4 where post_id = ${postId}`);
    await fold(db);
    await rows(db, sql`delete from ratings where post_id = ${postId} and score is null`);
    const [after] = await rows<{ s: string }>(db, counters);
    expect(after?.s).toBe(before?.s);
  });

  it("takes concurrent multi-row statements over the same stripes in any row order without deadlock", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const posts = [
      await makePost(db, author),
      await makePost(db, author),
      await makePost(db, author),
      await makePost(db, author),
    ];
    const groups = await Promise.all(Array.from({ length: 8 }, () => makeUsers(db, 64)));
    const list = (ids: number[]) => sql.raw(`array[${ids.join(",")}]`);
    // Each statement writes its own users' ratings on every post, half of them in the reverse
    // order of posts and users: the counter rows are still taken in one order.
    const write = (users: number[], i: number) =>
      rows(
        db,
        sql`insert into ratings (post_id, user_id, score)
            select p, u, 2 from unnest(${list(posts)}) p, unnest(${list(users)}) u
            order by ${sql.raw(i % 2 ? "p desc, u desc" : "p, u")}`,
      );
    await Promise.all(groups.map(write));
    const clear = (users: number[], i: number) =>
      rows(
        db,
        sql`update ratings set score = null
            where (post_id, user_id) in (
              select p, u from unnest(${list(posts)}) p, unnest(${list(users)}) u
              where u % 3 = 0 order by ${sql.raw(i % 2 ? "p desc, u desc" : "p, u")})`,
      );
    const remove = (users: number[]) =>
      rows(
        db,
        sql`delete from ratings where post_id in ${posts} and user_id in ${users} and user_id % 3 = 1`,
      );
    await Promise.all(groups.flatMap((users, i) => [clear(users, i), remove(users)]));
    expect(await stripeDrift(db, posts)).toEqual([]);
    const expected = groups.flat().filter((u) => u % 3 === 2).length;
    for (const id of posts) expect(await actualRaters(db, id)).toBe(expected);
  });

  it("is checked and repaired by the nightly correction", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const users = await makeUsers(db, 12);
    await rateAll(db, postId, users, 3);
    const clean = await runCorrection(db, { policy: "mean", windowSeconds: 120 });
    expect(clean.postsDrifted).toBe(0);

    // A count broken behind the triggers' back (say, restored from a dump taken without them).
    await rows(
      db,
      sql`update post_rater_counts set raters = raters + 5 where post_id = ${postId} and stripe = 0`,
    );
    await rows(db, sql`insert into post_rater_counts values (${postId}, 9, -2) on conflict do nothing`);
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(users.length + 3);
    const report = await runCorrection(db, { policy: "mean", windowSeconds: 120 });
    expect(report.postsDrifted).toBe(1);
    expect(report.maxCountDifference).toBe(3);
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(users.length);
  });
});
