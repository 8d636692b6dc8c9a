import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows, type Db } from "@/db/client";
import { runCorrection } from "@/server/ratings/correction";
import { clearRating } from "@/server/ratings/removal";
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
    const rerating = rated.slice(15);
    const outcomes = await Promise.all([
      ...newcomers.map((userId) => submitRating(db, { postId, userId, score: 5 })),
      ...rerating.map((userId) => submitRating(db, { postId, userId, score: 4 })),
      ...clearing.map((userId) => clearRating(db, { postId, userId })),
      ...cleared.map((userId) => submitRating(db, { postId, userId, score: 1 })),
      // The same user twice at once: one new rating, whichever lands first.
      submitRating(db, { postId, userId: newcomers[0]!, score: 0 }),
    ]);
    const expected = before + newcomers.length - clearing.length + cleared.length;
    expect(await actualRaters(db, postId)).toBe(expected);
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(expected);
    // Each answer is a count some moment of the race really had.
    const low = before - clearing.length;
    const high = before + newcomers.length + cleared.length;
    expect(outcomes.every((o) => o.ratingCount >= low && o.ratingCount <= high)).toBe(true);

    await fold(db);
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(expected);
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
