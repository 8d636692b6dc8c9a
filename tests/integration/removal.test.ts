import { sql } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { clearRating, removeRatingsOf } from "@/server/ratings/removal";
import { submitRating } from "@/server/ratings/submit";
import { mulberry32 } from "@/tests/support/random";
import { testDbForFile } from "../support/db";
import { maybeFold, pendingCount, recomputedWindows, storedScores, storedWindows } from "../support/engine";
import { callerFor, fold, makePost, makeUser, makeUsers, snapshot } from "../support/fixtures";

const handle = testDbForFile();
const steady: EngineConfig = { policy: "steady", windowSeconds: 120 };
const mean: EngineConfig = { policy: "mean", windowSeconds: 120 };

/** The post's current ratings counted straight from the table: what the live count must say. */
async function currentCount(db: Db, postId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ratings where post_id = ${postId} and score is not null`,
  );
  return row?.n ?? 0;
}

/** Rows of the post in ratings, tombstones included. */
async function rowCount(db: Db, postId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ratings where post_id = ${postId}`,
  );
  return row?.n ?? 0;
}

describe("clearing a rating", () => {
  it("drops the live count at once, and the fold subtracts it exactly once and deletes the row", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const [a, b, c] = await makeUsers(db, 3);
    const postId = await makePost(db, author);
    await submitRating(db, { postId, userId: a!, score: 0 });
    await submitRating(db, { postId, userId: b!, score: 4 });
    await submitRating(db, { postId, userId: c!, score: 5 });
    await fold(db);
    expect(await callerFor(db, a!).post.byId({ id: postId })).toMatchObject({
      ratingCount: 3,
      score: 3,
      myRating: 0,
    });

    // A 0 is a rating; clearing it makes the post unrated by this user.
    const cleared = await callerFor(db, a!).rating.clear({ postId });
    expect(cleared).toMatchObject({ myRating: null, ratingCount: 2, changed: true, previous: { score: 0 } });
    expect(await callerFor(db, a!).post.byId({ id: postId })).toMatchObject({
      ratingCount: 2,
      myRating: null,
    });
    // Clearing again changes nothing and counts nothing twice.
    expect(await callerFor(db, a!).rating.clear({ postId })).toMatchObject({
      ratingCount: 2,
      changed: false,
    });

    await fold(db);
    expect(await callerFor(db, a!).post.byId({ id: postId })).toMatchObject({
      ratingCount: 2,
      score: 4.5,
      myRating: null,
    });
    expect(await rowCount(db, postId)).toBe(2);
    expect(await pendingCount(db)).toBe(0);
    expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
    // A second fold finds nothing left to subtract.
    await fold(db);
    expect((await storedScores(db))[postId]).toEqual({ score: 4.5, count: 2 });
    expect(await runCorrection(db, mean)).toMatchObject({ postsDrifted: 0, windowsRepaired: 0 });
  });

  it("a rating cleared before it was ever folded, then given again, counts once", async () => {
    const { db } = handle;
    const [author, a] = await makeUsers(db, 2);
    const postId = await makePost(db, author!);
    expect((await submitRating(db, { postId, userId: a!, score: 2 })).ratingCount).toBe(1);
    expect((await clearRating(db, { postId, userId: a! })).ratingCount).toBe(0);
    await fold(db);
    expect(await rowCount(db, postId)).toBe(0);
    expect((await storedScores(db))[postId]).toEqual({ score: null, count: 0 });

    await submitRating(db, { postId, userId: a!, score: 3 });
    await fold(db);
    expect((await clearRating(db, { postId, userId: a! })).ratingCount).toBe(0);
    // Re-rated while the cleared row is still pending: the tombstone revives as a new rating.
    const again = await submitRating(db, { postId, userId: a!, score: 1 });
    expect(again).toMatchObject({ myRating: 1, ratingCount: 1, changed: true, previous: null });
    await fold(db);
    expect((await storedScores(db))[postId]).toEqual({ score: 1, count: 1 });
    expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
  });

  it("is refused with a clear error on a locked or missing post, and writes nothing", async () => {
    const { db } = handle;
    const [author, a] = await makeUsers(db, 2);
    const postId = await makePost(db, author!);
    await submitRating(db, { postId, userId: a!, score: 5 });
    await rows(db, sql`update posts set locked_at = now() where id = ${postId}`);
    const before = await snapshot(db);
    const api = callerFor(db, a!);
    await expect(api.rating.clear({ postId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(api.rating.clear({ postId: 999_999 })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining("postId"),
    });
    await expect(callerFor(db, null).rating.clear({ postId })).rejects.toBeInstanceOf(TRPCError);
    expect(await snapshot(db)).toBe(before);
  });
});

describe("removing every rating of a post or of a user", () => {
  it("takes them out of every aggregate through the fold, whatever the lock", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, 6);
    const [p1, p2] = [await makePost(db, author), await makePost(db, author)];
    for (const [i, user] of users.entries()) {
      await submitRating(db, { postId: p1, userId: user, score: i % 6 });
      await submitRating(db, { postId: p2, userId: user, score: 5 - (i % 6) });
    }
    await fold(db);
    await rows(db, sql`update posts set locked_at = now() where id = ${p1}`);

    expect(await removeRatingsOf(db, { postId: p1 })).toBe(6);
    expect(await removeRatingsOf(db, { postId: p1 })).toBe(0);
    expect((await callerFor(db, null).post.byId({ id: p1 })).ratingCount).toBe(0);
    expect(await removeRatingsOf(db, { userId: users[0]! })).toBe(1);
    expect((await callerFor(db, null).post.byId({ id: p2 })).ratingCount).toBe(5);

    await fold(db);
    expect(await storedScores(db)).toMatchObject({ [p1]: { score: null, count: 0 }, [p2]: { count: 5 } });
    expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
    const [left] = await rows<{ n: number }>(
      db,
      sql`select count(*)::int as n from ratings where post_id = ${p1} or user_id = ${users[0]!}`,
    );
    expect(left?.n).toBe(0);
    expect(await runCorrection(db, mean)).toMatchObject({ postsDrifted: 0, windowsRepaired: 0 });
  });
});

describe("incremental removal equals a full recompute (property)", () => {
  it("after random submits, clears, post and user removals and interrupted folds", async () => {
    const { db } = handle;
    // Posts of the tests above were scored under the mean policy: score everything under this one first.
    await runCorrection(db, steady);
    for (const seed of [21, 22, 23]) {
      const random = mulberry32(seed);
      const author = await makeUser(db);
      const users = await makeUsers(db, 30);
      const posts = [await makePost(db, author), await makePost(db, author), await makePost(db, author)];
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
      for (let round = 0; round < 10; round++) {
        const actions = Math.floor(random() * 50);
        await Promise.all(
          Array.from({ length: actions }, () => {
            const postId = pick(posts);
            const userId = pick(users);
            return random() < 0.35
              ? clearRating(db, { postId, userId })
              : submitRating(db, { postId, userId, score: Math.floor(random() * 6) });
          }),
        );
        const sweep = random();
        if (sweep < 0.1) await removeRatingsOf(db, { postId: pick(posts) });
        else if (sweep < 0.2) await removeRatingsOf(db, { userId: pick(users) });
        if (random() < 0.5) {
          // Move update times back so removals hit windows other than the current one.
          await rows(
            db,
            sql`update ratings set updated_at = updated_at - make_interval(secs => ${Math.floor(random() * 3 * 3600)})
                where folded_at is distinct from updated_at or folded_score is distinct from score`,
          );
        }
        // The live count is exact at every step, folded or not.
        for (const postId of posts)
          expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(
            await currentCount(db, postId),
          );
        await maybeFold(db, steady, random, 20);
      }
      await runFold(db, steady, { batchSize: 9 });
      expect(await pendingCount(db)).toBe(0);
      expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
      // Every tombstone is gone once folded.
      const [{ tombstones } = { tombstones: -1 }] = await rows<{ tombstones: number }>(
        db,
        sql`select count(*)::int as tombstones from ratings where score is null`,
      );
      expect(tombstones).toBe(0);
      for (const postId of posts)
        expect((await storedScores(db))[postId]?.count).toBe(await currentCount(db, postId));

      const before = await storedScores(db);
      expect(await runCorrection(db, steady)).toMatchObject({
        postsDrifted: 0,
        maxScoreDifference: 0,
        maxCountDifference: 0,
        windowsRepaired: 0,
      });
      expect(await storedScores(db)).toEqual(before);
    }
  }, 120_000);
});
