import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { testDbForFile } from "../support/db";
import { callerFor, countRatings, fold, makePost, makeUser, makeUsers, snapshot } from "../support/fixtures";

const handle = testDbForFile();

describe("rating.submit", () => {
  it("replaces a user's earlier rating: 3 then 5 is one row, count 1, myRating 5", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const rater = await makeUser(db);
    const postId = await makePost(db, author);
    const api = callerFor(db, rater);

    const first = await api.rating.submit({ postId, score: 3 });
    expect(first).toMatchObject({ myRating: 3, ratingCount: 1, score: null, changed: true, previous: null });
    const second = await api.rating.submit({ postId, score: 5 });
    expect(second).toMatchObject({
      myRating: 5,
      ratingCount: 1,
      changed: true,
      previous: { score: 3, updatedAt: first.updatedAt },
    });
    // The window the aggregates counted the old rating in: its update time, UTC-aligned to 120 s.
    const windowMs = Date.parse(second.previous!.windowStart);
    expect(windowMs % 120_000).toBe(0);
    expect(Date.parse(first.updatedAt!) - windowMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(first.updatedAt!) - windowMs).toBeLessThan(120_000);
    // Own rating and live count are exact at once; the score moves when the fold runs.
    expect(await api.post.byId({ id: postId })).toMatchObject({ ratingCount: 1, score: null, myRating: 5 });

    await fold(db);
    expect(await api.post.byId({ id: postId })).toMatchObject({ ratingCount: 1, score: 5, myRating: 5 });
  });

  it("re-submitting the same score writes nothing", async () => {
    const { db } = handle;
    const [author, rater] = await makeUsers(db, 2);
    const postId = await makePost(db, author!);
    const api = callerFor(db, rater!);
    await api.rating.submit({ postId, score: 4 });
    await fold(db);
    const before = await snapshot(db);
    const again = await api.rating.submit({ postId, score: 4 });
    expect(again).toMatchObject({ myRating: 4, ratingCount: 1, score: 4, changed: false, previous: null });
    expect(await snapshot(db)).toBe(before);
  });

  it("keeps ratings of different posts independent", async () => {
    const { db } = handle;
    const [author, rater] = await makeUsers(db, 2);
    const post1 = await makePost(db, author!, "first");
    const post2 = await makePost(db, author!, "second");
    const api = callerFor(db, rater!);
    await api.rating.submit({ postId: post1, score: 1 });
    await api.rating.submit({ postId: post2, score: 4 });
    await fold(db);
    expect(await api.post.byId({ id: post1 })).toMatchObject({ ratingCount: 1, score: 1, myRating: 1 });
    expect(await api.post.byId({ id: post2 })).toMatchObject({ ratingCount: 1, score: 4, myRating: 4 });
  });

  it("averages several users' ratings and keeps the mean exact after changes", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const raters = await makeUsers(db, 4);
    const postId = await makePost(db, author);
    const scores = [0, 5, 4, 2];
    for (const [i, rater] of raters.entries())
      await callerFor(db, rater).rating.submit({ postId, score: scores[i]! });
    await fold(db);
    await callerFor(db, raters[0]!).rating.submit({ postId, score: 3 });
    await fold(db);
    const post = await callerFor(db, null).post.byId({ id: postId });
    expect(post.ratingCount).toBe(4);
    expect(post.score).toBeCloseTo((3 + 5 + 4 + 2) / 4, 12);
  });

  it("counts exactly 50 when 50 different users rate one post at once", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const raters = await makeUsers(db, 50);
    const postId = await makePost(db, author);
    const results = await Promise.all(
      raters.map((rater, i) => callerFor(db, rater).rating.submit({ postId, score: i % 6 })),
    );
    expect(results.every((r) => r.changed)).toBe(true);
    expect((await callerFor(db, null).post.byId({ id: postId })).ratingCount).toBe(50);
    await fold(db);
    const post = await callerFor(db, null).post.byId({ id: postId });
    expect(post.ratingCount).toBe(50);
    const expectedMean = raters.reduce((sum, _r, i) => sum + (i % 6), 0) / 50;
    expect(post.score).toBeCloseTo(expectedMean, 12);
  });

  it("keeps one row and count 1 when one user submits 20 times at once", async () => {
    const { db } = handle;
    const [author, rater] = await makeUsers(db, 2);
    const postId = await makePost(db, author!);
    const before = await countRatings(db);
    const api = callerFor(db, rater!);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.rating.submit({ postId, score: i % 6 })),
    );
    expect(await countRatings(db)).toBe(before + 1);
    expect((await api.post.byId({ id: postId })).ratingCount).toBe(1);
    await fold(db);
    const post = await api.post.byId({ id: postId });
    expect(post.ratingCount).toBe(1);
    // The stored rating is one of the submitted ones, and the mean agrees with it exactly.
    expect(post.score).toBe(post.myRating);
    expect(results.filter((r) => r.changed).length).toBeGreaterThanOrEqual(1);
  });

  it("returns exactly what each write replaced, even for concurrent submits by one user", async () => {
    const { db } = handle;
    const [author, rater] = await makeUsers(db, 2);
    const postId = await makePost(db, author!);
    const api = callerFor(db, rater!);
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => api.rating.submit({ postId, score: (i * 7) % 6 })),
    );
    const writes = results.filter((r) => r.changed);
    // The writes were serialized on the row: following previous → new from the one insert must
    // visit every write exactly once and end at the stored score.
    const inserts = writes.filter((w) => w.previous === null);
    expect(inserts).toHaveLength(1);
    const remaining = writes.filter((w) => w.previous !== null);
    let current = inserts[0]!;
    while (remaining.length) {
      const index = remaining.findIndex(
        (w) => w.previous?.score === current.myRating && w.previous.updatedAt === current.updatedAt,
      );
      expect(index).toBeGreaterThanOrEqual(0);
      current = remaining.splice(index, 1)[0]!;
    }
    expect((await api.post.byId({ id: postId })).myRating).toBe(current.myRating);
  });

  describe("bad input writes nothing", () => {
    const cases: [string, unknown, string, TRPCError["code"]][] = [
      ["score -1", { score: -1 }, "score", "BAD_REQUEST"],
      ["score 6", { score: 6 }, "score", "BAD_REQUEST"],
      ["score 3.5", { score: 3.5 }, "score", "BAD_REQUEST"],
      ["score 'abc'", { score: "abc" }, "score", "BAD_REQUEST"],
      ["score null", { score: null }, "score", "BAD_REQUEST"],
      ["missing score", { score: undefined }, "score", "BAD_REQUEST"],
      ["missing postId", { postId: undefined }, "postId", "BAD_REQUEST"],
      ["huge postId", { postId: 2 ** 40 }, "postId", "BAD_REQUEST"],
      ["unknown post", { postId: 2_000_000_000 }, "postId", "NOT_FOUND"],
    ];
    it.each(cases)("%s", async (_name, override, field, code) => {
      const { db } = handle;
      const [author, rater] = await makeUsers(db, 2);
      const postId = await makePost(db, author!);
      const before = await snapshot(db);
      const input = { postId, score: 3, ...(override as object) };
      const error = await callerFor(db, rater!)
        .rating.submit(input as { postId: number; score: number })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe(code);
      expect((error as TRPCError).message).toContain(field);
      expect(await snapshot(db)).toBe(before);
    });

    it("anonymous rating is UNAUTHORIZED", async () => {
      const { db } = handle;
      const author = await makeUser(db);
      const postId = await makePost(db, author);
      const before = await snapshot(db);
      await expect(callerFor(db, null).rating.submit({ postId, score: 3 })).rejects.toMatchObject({
        code: "UNAUTHORIZED",
      });
      expect(await snapshot(db)).toBe(before);
    });
  });
});
