import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { runFold } from "@/server/ratings/fold";
import { mulberry32 } from "@/tests/support/random";
import { RatingSimulator } from "@/server/ratings/simulate";
import { submitRating } from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { storedScores } from "../support/engine";
import { makePost, makeUser, makeUsers } from "../support/fixtures";

const handle = testDbForFile();

describe("npm run replay's simulator", () => {
  it("gives bit for bit the scores the database fold stores, window after window", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, 50);
    const posts = [await makePost(db, author), await makePost(db, author)];
    const simulator = new RatingSimulator("steady", 120);
    const random = mulberry32(7);
    const t0 = Date.parse("2026-03-01T00:00:00Z") / 1000;
    for (let window = 0; window < 40; window++) {
      const burst = window === 25 ? 40 : 0;
      const n = 1 + Math.floor(random() * 4) + burst;
      for (let k = 0; k < n; k++) {
        const t = t0 + window * 120 + Math.floor(random() * 120);
        const userId = users[Math.floor(random() * users.length)]!;
        const postId = posts[k % 2]!;
        const score = burst && k % 2 === 0 ? 0 : 2 + Math.floor(random() * 4);
        simulator.submit({ t, user: userId, post: postId, score });
        const result = await submitRating(db, { postId, userId, score });
        if (result.changed) {
          await rows(
            db,
            sql`update ratings set updated_at = to_timestamp(${t}) where post_id = ${postId} and user_id = ${userId}`,
          );
        }
      }
      await runFold(db, { policy: "steady", windowSeconds: 120 });
      const stored = await storedScores(db);
      for (const postId of posts) {
        const simulated = simulator.score(String(postId));
        expect(stored[postId]).toEqual({ score: simulated.score, count: simulated.count });
      }
    }
  });
});
