import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { foldBatch, runFold } from "@/server/ratings/fold";
import { submitRating } from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { maybeFold, pendingCount, recomputedWindows, storedScores, storedWindows } from "../support/engine";
import { callerFor, makePost, makeUser, makeUsers } from "../support/fixtures";
import { mulberry32 } from "../support/random";

const handle = testDbForFile();

const steady: EngineConfig = { policy: "steady", windowSeconds: 120 };

/** Spreads existing ratings' update times over the past hours, as real traffic would be. */
async function ageRatings(random: () => number) {
  const shift = Math.floor(random() * 6 * 3600);
  await rows(
    handle.db,
    sql`update ratings set updated_at = updated_at - make_interval(secs => ${shift} + (user_id % 7) * 137)
        where folded_at is distinct from updated_at or folded_score is distinct from score`,
  );
}

class SimulatedCrash extends Error {}

describe("fold and correction", () => {
  it("moves a changed rating out of its old window into the current one", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const [a, b] = await makeUsers(db, 2);
    const postId = await makePost(db, author);
    await submitRating(db, { postId, userId: a!, score: 1 });
    await submitRating(db, { postId, userId: b!, score: 4 });
    await rows(
      db,
      sql`update ratings set updated_at = timestamptz '2026-01-01 10:03:30+00' where post_id = ${postId} and user_id = ${a!}`,
    );
    await runFold(db, steady);
    const old = Date.parse("2026-01-01T10:02:00Z") / 1000;
    let windows = await storedWindows(db);
    expect(windows[`${postId}@${old}`]).toEqual([0, 1, 0, 0, 0, 0]);

    await submitRating(db, { postId, userId: a!, score: 5 });
    await runFold(db, steady);
    windows = await storedWindows(db);
    expect(windows[`${postId}@${old}`]).toBeUndefined();
    const mine = Object.entries(windows).filter(([key]) => key.startsWith(`${postId}@`));
    expect(mine.reduce((n, [, c]) => n + c.reduce((x, y) => x + y, 0), 0)).toBe(2);
    expect(mine.some(([, c]) => c[5] === 1)).toBe(true);
    expect(await recomputedWindows(db)).toEqual(await storedWindows(db));
  });

  it("equals a full recompute after random submits, updates and interrupted folds (property)", async () => {
    const { db } = handle;
    for (const seed of [11, 12, 13]) {
      const random = mulberry32(seed);
      const author = await makeUser(db);
      const users = await makeUsers(db, 40);
      const posts = [await makePost(db, author), await makePost(db, author), await makePost(db, author)];
      for (let round = 0; round < 8; round++) {
        const submits = Math.floor(random() * 60);
        await Promise.all(
          Array.from({ length: submits }, () =>
            submitRating(db, {
              postId: posts[Math.floor(random() * posts.length)]!,
              userId: users[Math.floor(random() * users.length)]!,
              score: Math.floor(random() * 6),
            }),
          ),
        );
        if (random() < 0.5) await ageRatings(random);
        await maybeFold(db, steady, random, 25);
      }
      await runFold(db, steady, { batchSize: 7 });
      expect(await pendingCount(db)).toBe(0);
      expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
      const [{ n } = { n: -1 }] = await rows<{ n: number }>(db, sql`select count(*)::int as n from ratings`);
      const counted = Object.values(await storedWindows(db)).reduce(
        (sum, c) => sum + c.slice(0, 6).reduce((x, y) => x + y, 0),
        0,
      );
      expect(counted).toBe(n);

      const before = await storedScores(db);
      const report = await runCorrection(db, steady);
      expect(report).toMatchObject({
        postsDrifted: 0,
        maxScoreDifference: 0,
        maxCountDifference: 0,
        windowsRepaired: 0,
      });
      // The incremental scores were already bit-for-bit what a replay from scratch gives.
      expect(await storedScores(db)).toEqual(before);
    }
  });

  it("a fold killed half-way, then the next fold and the correction, end with zero drift", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, 30);
    const postId = await makePost(db, author);
    for (const [i, user] of users.entries()) await submitRating(db, { postId, userId: user, score: i % 6 });
    let batches = 0;
    await expect(
      runFold(db, steady, {
        batchSize: 4,
        afterBatchStatement: () => {
          batches += 1;
          if (batches === 3) throw new SimulatedCrash("killed");
        },
      }),
    ).rejects.toThrow("killed");
    // Two batches committed, the third rolled back: 8 folded, 22 still pending, none lost.
    expect(await pendingCount(db)).toBe(22);
    const live = await callerFor(db, null).post.byId({ id: postId });
    expect(live.ratingCount).toBe(30);

    await runFold(db, steady);
    const report = await runCorrection(db, steady);
    expect(report.postsDrifted).toBe(0);
    expect(report.maxScoreDifference).toBe(0);
    expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
  });

  it("the correction finds and repairs drift it did not cause", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, 12);
    const postId = await makePost(db, author);
    for (const [i, user] of users.entries())
      await submitRating(db, { postId, userId: user, score: (i * 5) % 6 });
    await runFold(db, steady);
    const healthy = await storedScores(db);
    // Damage the aggregates as a bug or a manual edit could.
    await rows(db, sql`update rating_windows set c3 = c3 + 4 where post_id = ${postId}`);
    await rows(db, sql`update posts set rating_count = rating_count + 4, score = 4.9 where id = ${postId}`);

    const report = await runCorrection(db, steady);
    expect(report.postsDrifted).toBeGreaterThanOrEqual(1);
    expect(report.maxCountDifference).toBe(4);
    expect(report.maxScoreDifference).toBeGreaterThan(0);
    expect(await storedScores(db)).toEqual(healthy);
    expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
    const again = await runCorrection(db, steady);
    expect(again.postsDrifted).toBe(0);
    const [stored] = await rows<{ n: number }>(db, sql`select count(*)::int as n from correction_reports`);
    expect(stored?.n).toBeGreaterThanOrEqual(2);
  });

  it("a fold batch with nothing pending moves nothing", async () => {
    const { db } = handle;
    await runFold(db, steady);
    expect(await foldBatch(db, steady)).toEqual({ folded: 0, windows: 0, posts: 0 });
  });

  it("explains a burst on the post page and offers the score with all ratings", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const regulars = await makeUsers(db, 60);
    const crowd = await makeUsers(db, 120);
    const postId = await makePost(db, author);
    // Two hours of calm 4- and 5-star ratings, one or two per window…
    for (const [i, user] of regulars.entries()) {
      await submitRating(db, { postId, userId: user, score: 4 + (i % 2) });
      await rows(
        db,
        sql`update ratings set updated_at = now() - make_interval(secs => ${7200 - i * 110}) where post_id = ${postId} and user_id = ${user}`,
      );
    }
    await runFold(db, steady);
    const calm = await callerFor(db, null).post.byId({ id: postId });
    expect(calm.steadiness).toBeNull();
    // …then 120 zeros inside one window.
    for (const user of crowd) await submitRating(db, { postId, userId: user, score: 0 });
    await runFold(db, steady);
    const post = await callerFor(db, null).post.byId({ id: postId });
    expect(post.ratingCount).toBe(180);
    expect(post.histogram).toEqual([120, 0, 0, 0, 30, 30]);
    expect(post.score).toBeGreaterThan((calm.score ?? 0) - 0.1);
    expect(post.steadiness?.heldCount).toBeGreaterThan(100);
    expect(post.steadiness?.heldMean).toBeLessThan(0.5);
    expect(post.scoreAllIncluded).toBeLessThan(2);
    // The explanation names the rule, and the list card knows to link to it.
    expect(post.steadiness?.rule).toEqual({ kind: "burst" });
    const listed = (await callerFor(db, null).post.list({ sort: "newest", limit: 50 })).items;
    expect(listed.find((p) => p.id === postId)?.held).toBe(true);
    expect(calm.held).toBe(false);

    // The chart's series is replayed from checkpoints by the same code: its last point is the score.
    const history = await callerFor(db, null).post.history({ id: postId, hours: 3 });
    expect(history.length).toBeGreaterThan(30);
    expect(history.at(-1)).toMatchObject({ count: 120, mean: 0, score: post.score });
    expect(history.reduce((n, p) => n + p.count, 0)).toBe(180);
    // The burst's window is marked with the weight it held, which is what the post reports held.
    expect(history.at(-1)?.held).toBeCloseTo(post.steadiness?.heldCount ?? -1, 6);
    expect(history.slice(0, -1).every((p) => p.held === 0)).toBe(true);

    // Recent vs all time: both from the folded windows, so they agree with the post's histogram.
    const breakdown = await callerFor(db, null).post.breakdown({ id: postId });
    expect(breakdown.allTime).toEqual({ histogram: post.histogram, count: 180, mean: 1.5 });
    expect(breakdown.days).toBe(30);
    expect(breakdown.recent.count).toBe(180);
  });
});
