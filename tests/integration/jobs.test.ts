import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { createJobFunctions } from "@/server/jobs/functions";
import { engineConfig } from "@/server/ratings/config";
import type { CorrectionReport } from "@/server/ratings/correction";
import type { FoldReport } from "@/server/ratings/fold";
import { submitRating } from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { pendingCount } from "../support/engine";
import { callerFor, makePost, makeUser, makeUsers } from "../support/fixtures";

const handle = testDbForFile();
/** The engine configuration of an empty environment: the defaults. */
const defaults = () => engineConfig({});

describe("Inngest functions", () => {
  it("the fold cron runs the fold job in one step and scores the post", async () => {
    const { db } = handle;
    const { fold } = createJobFunctions(async () => db, defaults);
    const author = await makeUser(db);
    const raters = await makeUsers(db, 3);
    const postId = await makePost(db, author);
    for (const rater of raters) await submitRating(db, { postId, userId: rater, score: 4 });
    expect(await pendingCount(db)).toBe(3);

    const engine = new InngestTestEngine({ function: fold });
    const { result, error, ctx } = await engine.execute({
      events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
    });
    expect(error).toBeUndefined();
    expect(ctx.step.run).toHaveBeenCalledWith("fold", expect.any(Function));
    expect((result as FoldReport).folded).toBe(3);
    expect(await pendingCount(db)).toBe(0);
    const post = await callerFor(db, null).post.byId({ id: postId });
    expect(post.ratingCount).toBe(3);
    // The displayed score is the plain mean of the accepted ratings (shrinkage only ranks the top sort).
    expect(post.score).toBeCloseTo(12 / 3, 12);
  });

  it("the nightly cron runs the correction and reports zero drift", async () => {
    const { db } = handle;
    const { correct } = createJobFunctions(async () => db, defaults);
    const engine = new InngestTestEngine({ function: correct });
    const { result, error, ctx } = await engine.execute({
      events: [{ name: "inngest/scheduled.timer", data: { cron: "TZ=UTC 0 3 * * *" } }],
    });
    expect(error).toBeUndefined();
    expect(ctx.step.run).toHaveBeenCalledWith("correct", expect.any(Function));
    expect(result as CorrectionReport).toMatchObject({ postsDrifted: 0, maxScoreDifference: 0 });
    expect((result as CorrectionReport).postsChecked).toBeGreaterThan(0);
  });

  it("a failing job surfaces as the run's error", async () => {
    const { fold } = createJobFunctions(async () => {
      throw new Error("database unreachable");
    }, defaults);
    const { error } = await new InngestTestEngine({ function: fold }).execute();
    expect(String((error as { message?: string })?.message ?? error)).toContain("database unreachable");
  });
});
