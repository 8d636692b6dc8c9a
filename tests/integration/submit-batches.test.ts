// Concurrent submits share statements (db/statement-queue.ts): fewer statements than
// ratings, and for each rating exactly the outcome it would have had alone.
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { observePreparedStatements } from "@/db/prepared";
import { DomainError } from "@/server/errors";
import { clearRating } from "@/server/ratings/removal";
import {
  submitBatch,
  submitRating,
  SUBMIT_ONE_STATEMENT,
  SUBMIT_STATEMENT,
  type RatingResult,
  type SubmitInput,
} from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { countRatings, makePost, makeUser, makeUsers } from "../support/fixtures";

const handle = testDbForFile();

/** Counts the submit statements run while `during` runs. */
async function countingSubmits<T>(during: () => Promise<T>): Promise<{ value: T; statements: number }> {
  let statements = 0;
  const texts = [SUBMIT_STATEMENT.compiled().text, SUBMIT_ONE_STATEMENT.compiled().text];
  observePreparedStatements((ran, run) => {
    if (texts.includes(ran)) statements += 1;
    return run();
  });
  const value = await during();
  return { value, statements };
}

afterEach(() => observePreparedStatements((_text, run) => run()));

const liveCount = async (postId: number) =>
  (
    await rows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from ratings where post_id = ${postId} and score is not null`,
    )
  )[0]!.n;

describe("concurrent submits", () => {
  it("share statements, and every rating is stored once with its exact count", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const hot = await makePost(db, author, "hot");
    const others = [await makePost(db, author, "b"), await makePost(db, author, "c")];
    const raters = await makeUsers(db, 60);
    const before = await countRatings(db);
    const { value: results, statements } = await countingSubmits(() =>
      Promise.all(
        raters.map((userId, i) =>
          submitRating(db, { postId: i % 3 === 0 ? others[i % 2]! : hot, userId, score: i % 6 }),
        ),
      ),
    );
    expect(statements).toBeLessThan(raters.length);
    expect(await countRatings(db)).toBe(before + raters.length);
    for (const [i, result] of results.entries()) {
      expect(result).toMatchObject({ myRating: i % 6, changed: true, previous: null });
      expect(result.updatedAt).not.toBeNull();
    }
    // Each count includes its own rating and is never more than the post's final count.
    const hotResults = results.filter((r) => r.postId === hot);
    const hotFinal = await liveCount(hot);
    expect(hotFinal).toBe(hotResults.length);
    for (const result of hotResults) {
      expect(result.ratingCount).toBeGreaterThanOrEqual(1);
      expect(result.ratingCount).toBeLessThanOrEqual(hotFinal);
    }
  });

  it("give one user's concurrent ratings of one post in order, each reporting what it replaced", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const userId = await makeUser(db);
    const scores = [1, 2, 3, 4, 5];
    const results = await Promise.all(scores.map((score) => submitRating(db, { postId, userId, score })));
    expect(results.map((r) => r.previous?.score ?? null)).toEqual([null, 1, 2, 3, 4]);
    expect(results.map((r) => r.ratingCount)).toEqual([1, 1, 1, 1, 1]);
    const [stored] = await rows<{ score: number }>(
      db,
      sql`select score::int as score from ratings where post_id = ${postId} and user_id = ${userId}`,
    );
    expect(stored?.score).toBe(5);
  });

  it("keep each rating's own refusal: a missing post, a locked post and a deleted account fail alone", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const open = await makePost(db, author, "open");
    const locked = await makePost(db, author, "locked");
    await rows(db, sql`update posts set locked_at = now() where id = ${locked}`);
    const [gone] = await makeUsers(db, 1);
    await rows(db, sql`delete from users where id = ${gone!}`);
    const raters = await makeUsers(db, 12);
    const calls = [
      ...raters.map((userId) => ({ postId: open, userId, score: 4 })),
      { postId: 999_999, userId: raters[0]!, score: 3 },
      { postId: locked, userId: raters[1]!, score: 3 },
      { postId: open, userId: gone!, score: 3 },
    ];
    const outcomes = await Promise.allSettled(calls.map((call) => submitRating(db, call)));
    const refusals = outcomes.map((o) =>
      o.status === "fulfilled" ? "ok" : o.reason instanceof DomainError ? o.reason.code : "error",
    );
    expect(refusals).toEqual([...raters.map(() => "ok"), "NOT_FOUND", "LOCKED", "error"]);
    expect(await liveCount(open)).toBe(raters.length);
    expect(await liveCount(locked)).toBe(0);
  });
  it("answer a rating alone (its own statement) exactly as inside a batch (the batch statement)", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const [rater, other] = await makeUsers(db, 2);
    const elsewhere = await makePost(db, author, "elsewhere");
    const outcome = (result: RatingResult | DomainError) =>
      result instanceof DomainError
        ? result.code
        : {
            myRating: result.myRating,
            ratingCount: result.ratingCount,
            changed: result.changed,
            previous: result.previous?.score ?? null,
            written: result.updatedAt !== null,
          };
    // The same history on a post of its own for each way: alone, or beside another user's rating.
    const history = async (inBatch: boolean) => {
      const postId = await makePost(db, author, inBatch ? "batched" : "alone");
      const userId = inBatch ? other! : rater!;
      const send = async (input: SubmitInput) => {
        const batch = inBatch ? [input, { postId: elsewhere, userId: rater!, score: input.score }] : [input];
        return outcome((await submitBatch(db, batch))[0]!);
      };
      const seen = [];
      seen.push(await send({ postId, userId, score: 3 }));
      seen.push(await send({ postId, userId, score: 3 }));
      seen.push(await send({ postId, userId, score: 5 }));
      await clearRating(db, { postId, userId });
      seen.push(await send({ postId, userId, score: 0 }));
      await rows(db, sql`update posts set locked_at = now() where id = ${postId}`);
      seen.push(await send({ postId, userId, score: 1 }));
      await rows(db, sql`update posts set locked_at = null, hidden_at = now() where id = ${postId}`);
      seen.push(await send({ postId, userId, score: 1 }));
      seen.push(await send({ postId: 999_999, userId, score: 1 }));
      return seen;
    };
    const alone = await history(false);
    expect(alone).toEqual([
      { myRating: 3, ratingCount: 1, changed: true, previous: null, written: true },
      { myRating: 3, ratingCount: 1, changed: false, previous: null, written: false },
      { myRating: 5, ratingCount: 1, changed: true, previous: 3, written: true },
      { myRating: 0, ratingCount: 1, changed: true, previous: null, written: true },
      "LOCKED",
      "NOT_FOUND",
      "NOT_FOUND",
    ]);
    expect(await history(true)).toEqual(alone);
  });
});
