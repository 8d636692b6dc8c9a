import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { CROSS_POST_FLAG } from "@/server/ratings/scoring/cross-post";
import { RatingSimulator } from "@/server/ratings/simulate";
import { submitRating } from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { maybeFold, pendingCount, recomputedWindows, storedScores, storedWindows } from "../support/engine";
import { callerFor, makePost, makeUser, makeUsers } from "../support/fixtures";
import { mulberry32 } from "../support/random";
import { organic, W } from "../support/windows";

const handle = testDbForFile();

const steady: EngineConfig = { policy: "steady", windowSeconds: 120 };

async function flagOf(postId: number, userId: number): Promise<boolean | undefined> {
  const [row] = await rows<{ cross_post: boolean }>(
    handle.db,
    sql`select cross_post from ratings where post_id = ${postId} and user_id = ${userId}`,
  );
  return row?.cross_post;
}

/** Flagged ratings counted in the stored windows (the last six numbers of each window). */
function flaggedIn(table: Record<string, number[]>): number {
  return Object.values(table).reduce((sum, c) => sum + c.slice(6).reduce((x, y) => x + y, 0), 0);
}

describe("cross-post flag", () => {
  it("is set by the submit statement from the account's own recent ratings of other posts", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const [user] = await makeUsers(db, 1);
    const posts = await Promise.all([1, 2, 3, 4].map(() => makePost(db, author)));
    const others = CROSS_POST_FLAG.otherPosts;
    for (const [i, postId] of posts.entries()) {
      await submitRating(db, { postId, userId: user!, score: 3 });
      expect(await flagOf(postId, user!)).toBe(i >= others);
    }
    // A re-rating is a new write: it is flagged by the other posts, not by itself.
    await submitRating(db, { postId: posts[0]!, userId: user!, score: 1 });
    expect(await flagOf(posts[0]!, user!)).toBe(true);
    // A re-submit of the same score writes nothing, so the stored flag stays what it was written as.
    await rows(
      db,
      sql`update ratings set updated_at = updated_at - interval '7 hours' where user_id = ${user!}`,
    );
    await submitRating(db, { postId: posts[0]!, userId: user!, score: 1 });
    expect(await flagOf(posts[0]!, user!)).toBe(true);
    // Ratings older than the span do not count: a new score is written unflagged.
    await submitRating(db, { postId: posts[1]!, userId: user!, score: 5 });
    expect(await flagOf(posts[1]!, user!)).toBe(false);
  });

  it("fold == full recompute and zero correction drift with flagged ratings, through interrupted folds (property)", async () => {
    const { db } = handle;
    for (const seed of [21, 22]) {
      const random = mulberry32(seed);
      const author = await makeUser(db);
      const users = await makeUsers(db, 20);
      const posts = await Promise.all([1, 2, 3, 4, 5].map(() => makePost(db, author)));
      for (let round = 0; round < 8; round++) {
        const submits = Math.floor(random() * 50);
        for (let k = 0; k < submits; k++) {
          await submitRating(db, {
            postId: posts[Math.floor(random() * posts.length)]!,
            userId: users[Math.floor(random() * users.length)]!,
            score: Math.floor(random() * 6),
          });
        }
        // Move some pending ratings back in time, so flags and windows both vary.
        if (random() < 0.5) {
          await rows(
            db,
            sql`update ratings set updated_at = updated_at - make_interval(secs => ${Math.floor(random() * 4 * 3600)})
                where folded_at is distinct from updated_at or folded_score is distinct from score`,
          );
        }
        await maybeFold(db, steady, random, 25);
      }
      await runFold(db, steady, { batchSize: 7 });
      expect(await pendingCount(db)).toBe(0);
      const stored = await storedWindows(db);
      expect(flaggedIn(stored)).toBeGreaterThan(0);
      expect(stored).toEqual(await recomputedWindows(db));
      const before = await storedScores(db);
      const report = await runCorrection(db, steady);
      expect(report).toMatchObject({ postsDrifted: 0, maxScoreDifference: 0, windowsRepaired: 0 });
      expect(await storedScores(db)).toEqual(before);
    }
  });

  it("the correction finds and repairs a flagged count that drifted", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const [user] = await makeUsers(db, 1);
    const posts = await Promise.all([1, 2, 3].map(() => makePost(db, author)));
    for (const postId of posts) await submitRating(db, { postId, userId: user!, score: 0 });
    await runFold(db, steady);
    const healthy = await storedWindows(db);
    await rows(db, sql`update rating_windows set x0 = x0 + 1 where post_id = ${posts[0]!}`);
    const report = await runCorrection(db, steady);
    expect(report.postsDrifted).toBeGreaterThanOrEqual(1);
    expect(await storedWindows(db)).toEqual(healthy);
    expect((await runCorrection(db, steady)).postsDrifted).toBe(0);
  });

  it("replay computes the same flags and scores as the database, window after window, on a multi-post stream", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, 30);
    const posts = await Promise.all([1, 2, 3].map(() => makePost(db, author)));
    const simulator = new RatingSimulator("steady", 120);
    const random = mulberry32(23);
    // The database flags by the clock (now() − span); replayed times start at the clock's window
    // and stay within the span, so both see the same ratings as recent.
    const t0 = Math.floor(Date.now() / 1000 / 120) * 120;
    for (let window = 0; window < 30; window++) {
      const campaign = window >= 15 && window < 20;
      const n = 1 + Math.floor(random() * 4) + (campaign ? 12 : 0);
      for (let k = 0; k < n; k++) {
        const t = t0 + window * 120 + Math.floor(random() * 120);
        const userId = users[Math.floor(random() * users.length)]!;
        const postId = posts[Math.floor(random() * posts.length)]!;
        const score = campaign && k >= n - 12 ? 0 : 2 + Math.floor(random() * 4);
        simulator.submit({ t, user: userId, post: postId, score });
        const result = await submitRating(db, { postId, userId, score });
        if (result.changed) {
          await rows(
            db,
            sql`update ratings set updated_at = to_timestamp(${t}) where post_id = ${postId} and user_id = ${userId}`,
          );
        }
      }
      await runFold(db, steady);
      const stored = await storedScores(db);
      for (const postId of posts) {
        const simulated = simulator.score(String(postId));
        expect(stored[postId]).toEqual({ score: simulated.score, count: simulated.count });
      }
    }
    const table = await storedWindows(db);
    expect(flaggedIn(table)).toBeGreaterThan(0);
    const fromReplay = Object.fromEntries(
      posts.flatMap((postId) =>
        simulator
          .windows(String(postId))
          .map((w) => [`${postId}@${w.start}`, w.flagged ? [...w.counts, ...w.flagged] : [...w.counts]]),
      ),
    );
    const mine = Object.fromEntries(
      Object.entries(table).filter(([key]) => posts.some((p) => key.startsWith(`${p}@`))),
    );
    expect(mine).toEqual(fromReplay);
  });

  it("post.byId explains a hold by the cross-post rule, read from the stored flags", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const random = mulberry32(24);
    // 24 hours of 4-star ratings, 2 a window, about 12 % flagged (honest heavy raters), then 8
    // hours of the same with a flagged 2★ every other window: a thin campaign over several posts.
    const end = Math.floor(Date.now() / 1000 / W) * W;
    const start = end - 32 * 3600;
    const windows = organic(random, 32 * 30, 2, 4, start / W);
    const ratings: { t: number; s: number; f: boolean }[] = [];
    windows.forEach((w) =>
      w.counts.forEach((c, s) => {
        for (let k = 0; k < c; k++) ratings.push({ t: w.start + random() * W, s, f: random() < 0.12 });
      }),
    );
    for (let t = start + 24 * 3600; t < end; t += 2 * W) ratings.push({ t: t + 1, s: 2, f: true });
    const users = await makeUsers(db, ratings.length);
    // Stored as the submit statement would have stored them: each with its flag, not yet folded.
    await rows(
      db,
      sql`insert into ratings (post_id, user_id, score, created_at, updated_at, cross_post)
          select ${postId}, x.u, x.s, to_timestamp(x.t), to_timestamp(x.t), x.f
          from jsonb_to_recordset(${JSON.stringify(ratings.map((r, i) => ({ ...r, u: users[i] })))}::jsonb)
            as x(u int, s int, t float8, f boolean)`,
    );
    await runFold(db, steady);
    const post = await callerFor(db, null).post.byId({ id: postId });
    expect(post.steadiness?.rule).toMatchObject({ kind: "cross-post" });
    expect(post.steadiness?.heldMean).toBeLessThan((post.score ?? 0) - 0.5);
    // The held 2★ ratings keep the score near the 4-star crowd's; all included, it sinks.
    expect(post.score).toBeGreaterThan(post.scoreAllIncluded ?? 5);
    const report = await runCorrection(db, steady);
    expect(report.postsDrifted).toBe(0);
  });
});
