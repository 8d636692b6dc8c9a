import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { runCorrection } from "@/server/ratings/correction";
import { crossPostFlagSql } from "@/server/ratings/cross-post-flag";
import { runFold } from "@/server/ratings/fold";
import type { EngineConfig } from "@/server/ratings/config";
import { SINE_DAY } from "@/server/ratings/scoring/site-profile";
import { RatingSimulator } from "@/server/ratings/simulate";
import { storedSiteProfile } from "@/server/ratings/site-profile-store";
import { submitRating } from "@/server/ratings/submit";
import { mulberry32 } from "@/tests/support/random";
import { testDbForFile } from "../support/db";
import { storedScores } from "../support/engine";
import { makePost, makeUser, makeUsers } from "../support/fixtures";

const handle = testDbForFile();
const steady: EngineConfig = { policy: "steady", windowSeconds: 120 };
const DAY = 86_400;
const DAY0 = Date.parse("2026-04-01T00:00:00Z") / 1000;
const BLOCK = 4 * 3600;

describe("site profiles in the database", () => {
  it("are learned once a day as replay learns them, and fold, correction and replay agree bit for bit", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, 120);
    const posts: number[] = [];
    for (let i = 0; i < 24; i++) posts.push(await makePost(db, author, `Post ${i}`));
    const simulator = new RatingSimulator("steady", steady.windowSeconds);
    const random = mulberry32(5);

    // Three days in blocks of 4 hours: ratings (some re-ratings within the day: each day has its own
    // raters), then a fold whose clock is the block's last second. Busier in the evening, so the
    // shape is not flat.
    const submitAt = async (t: number, userId: number, postId: number, score: number) => {
      simulator.submit({ t, user: userId, post: postId, score });
      const result = await submitRating(db, { postId, userId, score });
      if (result.changed)
        await rows(
          db,
          // Written as the submit would have written it at t: its time and its cross-post flag then.
          sql`update ratings set updated_at = to_timestamp(${t}),
                cross_post = ${crossPostFlagSql(userId, sql`${postId}`, sql`to_timestamp(${t})`)}
              where post_id = ${postId} and user_id = ${userId}`,
        );
    };
    for (let block = DAY0; block < DAY0 + 3 * DAY; block += BLOCK) {
      const hour = (block % DAY) / 3600;
      const n = hour >= 16 ? 90 : 30;
      const times = Array.from({ length: n }, () => block + Math.floor(random() * BLOCK)).sort(
        (a, b) => a - b,
      );
      for (const t of times) {
        const postId = posts[Math.floor(random() * random() * posts.length)]!;
        const userId = users[40 * Math.floor((block - DAY0) / DAY) + Math.floor(random() * 40)]!;
        await submitAt(t, userId, postId, random() < 0.1 ? 0 : 3 + Math.floor(random() * 3));
      }
      await runFold(db, steady, { now: new Date((block + BLOCK - 1) * 1000) });
      const stored = await storedScores(db);
      for (const postId of posts) {
        const simulated = simulator.score(String(postId));
        expect(stored[postId] ?? { score: null, count: 0 }).toEqual({
          score: simulated.score,
          count: simulated.count,
        });
      }
    }

    // The first day has nothing before it: its row says the constants apply. The later days learned
    // exactly what replay learned from the same ratings.
    expect(await storedSiteProfile(db, DAY0)).toBeNull();
    expect(simulator.siteProfiles().has(DAY0)).toBe(false);
    for (const day of [DAY0 + DAY, DAY0 + 2 * DAY]) {
      const stored = await storedSiteProfile(db, day);
      expect(stored).toEqual(simulator.siteProfiles().get(day));
      // A week this thin keeps the constant shape; the volume of a post's first minutes is learned.
      expect(stored!.dailyShape).toEqual([...SINE_DAY]);
      expect(stored!.ageRates[0]).not.toBeNull();
    }
    const [profiles] = await rows<{ n: number }>(db, sql`select count(*)::int as n from site_profiles`);
    expect(profiles!.n).toBe(3);

    // The nightly correction recomputes every score from the ratings with the stored profiles: no
    // drift, and today's profile learned again from the ratings is the stored one.
    const now = new Date((DAY0 + 3 * DAY - 1) * 1000);
    const report = await runCorrection(db, steady, { now });
    expect(report.postsDrifted).toBe(0);
    expect(report.maxScoreDifference).toBe(0);
    expect(report.profileDifference).toBe(0);

    // Ratings of the learning days changed after the profile was frozen: the scores still agree
    // (every path uses the stored profile); the profile learned again from the ratings differs.
    await rows(
      db,
      sql`update ratings set score = (score + 1) % 6, updated_at = to_timestamp(${DAY0 + 3 * DAY - 600})
          where updated_at >= to_timestamp(${DAY0 + DAY}) and updated_at < to_timestamp(${DAY0 + 2 * DAY})`,
    );
    const again = await runCorrection(db, steady, { now });
    expect(again.postsDrifted).toBe(0);
    expect(again.profileDifference).toBeGreaterThan(0);
  }, 180_000);
});
