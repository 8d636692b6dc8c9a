import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { rankingScore } from "@/server/ratings/scoring/ranking";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { testDbForFile } from "../support/db";
import { callerFor, fold, makePost, makeUser, makeUsers, snapshot } from "../support/fixtures";

const handle = testDbForFile();

describe("post.create", () => {
  it("stores the post with its text analysis and shows it first in newest", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const api = callerFor(db, author);
    const created = await api.post.create({
      title: "  Hello world  ",
      content: "Don't panic: it's only 42 words… or fewer!",
    });
    expect(created).toMatchObject({
      title: "Hello world",
      ratingCount: 0,
      score: null,
      myRating: null,
      analysis: { wordCount: 8, avgWordLength: 3.75 },
    });
    const page = await callerFor(db, null).post.list({ sort: "newest", limit: 1 });
    expect(page.items[0]?.id).toBe(created.id);
    const byId = await callerFor(db, null).post.byId({ id: created.id });
    expect(byId.content).toBe("Don't panic: it's only 42 words… or fewer!");
    expect(byId.author.id).toBe(author);
  });

  it("is refused for anonymous users and writes nothing", async () => {
    const { db } = handle;
    const before = await snapshot(db);
    await expect(callerFor(db, null).post.create({ title: "t", content: "c" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await snapshot(db)).toBe(before);
  });

  const bad: [string, { title: unknown; content: unknown }, string][] = [
    ["empty title", { title: "   ", content: "ok" }, "title"],
    ["over-long title", { title: "x".repeat(201), content: "ok" }, "title"],
    ["over-long content", { title: "ok", content: "x".repeat(20_001) }, "content"],
    ["title with NUL", { title: "a\u0000b", content: "ok" }, "title"],
    ["numeric title", { title: 5, content: "ok" }, "title"],
    ["missing content", { title: "ok", content: undefined }, "content"],
  ];
  it.each(bad)("rejects %s with BAD_REQUEST naming the field", async (_name, input, field) => {
    const { db } = handle;
    const author = await makeUser(db);
    const before = await snapshot(db);
    const error = await callerFor(db, author)
      .post.create(input as { title: string; content: string })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toMatch(new RegExp(`^${field}:`));
    expect(await snapshot(db)).toBe(before);
  });

  it("accepts exactly 200 and 20,000 characters", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const created = await callerFor(db, author).post.create({
      title: "t".repeat(200),
      content: "word ".repeat(4000),
    });
    expect(created.title).toHaveLength(200);
    expect(created.analysis.wordCount).toBe(4000);
  });
});

describe("post.list and post.byId", () => {
  it("shows count 0 and no score for an unrated post, and myRating only to the rater", async () => {
    const { db } = handle;
    const [author, rater, other] = await makeUsers(db, 3);
    const postId = await makePost(db, author!, "unrated then rated");
    expect(await callerFor(db, null).post.byId({ id: postId })).toMatchObject({
      ratingCount: 0,
      score: null,
      myRating: null,
    });

    await callerFor(db, rater!).rating.submit({ postId, score: 2 });
    await fold(db);
    const find = async (viewer: number | null) =>
      (await callerFor(db, viewer).post.list({ q: "unrated then rated" })).items.find((p) => p.id === postId);
    expect(await find(null)).toMatchObject({ ratingCount: 1, score: 2, myRating: null });
    expect(await find(other!)).toMatchObject({ ratingCount: 1, score: 2, myRating: null });
    expect(await find(rater!)).toMatchObject({ ratingCount: 1, score: 2, myRating: 2 });
  });

  it("returns NOT_FOUND for an unknown id and BAD_REQUEST for a malformed one", async () => {
    const { db } = handle;
    const api = callerFor(db, null);
    await expect(api.post.byId({ id: 1_999_999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.post.byId({ id: -3 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.post.byId({ id: "7" as unknown as number })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it.each([
    ["limit 0", { limit: 0 }, "limit"],
    ["limit 51", { limit: 51 }, "limit"],
    ["non-numeric cursor", { cursor: "abc" }, "cursor"],
    ["numeric cursor", { cursor: 12 }, "cursor"],
    ["cursor of another sort", { cursor: "SORT_MISMATCH", sort: "top" }, "cursor"],
    ["unknown sort", { sort: "random" }, "sort"],
  ])("rejects %s", async (_name, input, field) => {
    const { db } = handle;
    const author = await makeUser(db);
    await makePost(db, author);
    await makePost(db, author);
    const api = callerFor(db, null);
    let request = input as Record<string, unknown>;
    if (request.cursor === "SORT_MISMATCH") {
      const newest = await api.post.list({ limit: 1 });
      request = { ...request, cursor: newest.nextCursor };
    }
    const error = await api.post.list(request as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as TRPCError).message).toContain(field);
  });

  it("searches titles by words, case-insensitively, in any order, the last word as a prefix", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const a = await makePost(db, author, "Zebra 100% striped");
    const b = await makePost(db, author, "zebra crossing");
    const c = await makePost(db, author, "A storm, then steady weather");
    await makePost(db, author, "Unrelated");
    const api = callerFor(db, null);
    const ids = async (q: string) => (await api.post.list({ q, limit: 50 })).items.map((p) => p.id).sort();
    expect(await ids("ZEBRA")).toEqual([a, b].sort());
    expect(await ids("100%")).toEqual([a]);
    expect(await ids("steady storm")).toEqual([c]);
    expect(await ids("zebra strip")).toEqual([a]); // still typing "striped"
    expect(await ids("zeb")).toEqual([a, b].sort());
    expect(await ids("zeb ")).toEqual([]); // a finished word matches whole words only
    expect(await ids("ebra")).toEqual([]); // words are matched from their start, not inside
    // Punctuation separates words and is never a wildcard or an operator.
    expect(await ids("zebra_")).toEqual([a, b].sort());
    expect(await ids("%")).toEqual([]);
    expect(await ids("_")).toEqual([]);
    expect(await ids("zebra & !crossing | (x")).toEqual([]);
    expect(await ids("'zebra'")).toEqual([a, b].sort());
  });
});

describe("pagination", () => {
  async function collectAll(
    sort: "newest" | "top" | "most_rated",
    limit: number,
    beforeEachPage?: () => Promise<void>,
  ) {
    const { db } = handle;
    const api = callerFor(db, null);
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      await beforeEachPage?.();
      const page: { items: { id: number }[]; nextCursor: string | null } = await api.post.list({
        sort,
        limit,
        cursor,
      });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    return seen;
  }

  it("returns every post exactly once across pages while new posts are being created", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    for (let i = 0; i < 23; i++) await makePost(db, author, `page post ${i}`);
    const [{ ids } = { ids: [] }] = await rows<{ ids: number[] }>(
      db,
      sql`select coalesce(array_agg(id), '{}') as ids from posts`,
    );
    const created: number[] = [];
    const seen = await collectAll("newest", 4, async () => {
      created.push(await makePost(db, author, "arrived while paging"));
    });
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => !created.includes(id)).sort((x, y) => x - y)).toEqual(
      [...ids].sort((x, y) => x - y),
    );
  });

  it("orders by rank (score shrunk for few ratings) and by rating count with no duplicates or gaps, ties broken by id", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const raters = await makeUsers(db, 3);
    const ids: number[] = [];
    for (let i = 0; i < 9; i++) ids.push(await makePost(db, author, `ranked ${i}`));
    for (const [i, postId] of ids.entries()) {
      for (let r = 0; r < i % 4; r++)
        await callerFor(db, raters[r]!).rating.submit({ postId, score: (i + r) % 6 });
    }
    await fold(db);
    const [{ total } = { total: 0 }] = await rows<{ total: number }>(
      db,
      sql`select count(*)::int as total from posts`,
    );
    for (const sort of ["top", "most_rated"] as const) {
      const seen = await collectAll(sort, 2);
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
      const all = (await callerFor(db, null).post.list({ sort, limit: 50 })).items;
      const key = (p: (typeof all)[number]) =>
        sort === "top" ? rankingScore(p.score, p.ratingCount) : p.ratingCount;
      for (let i = 1; i < all.length; i++) {
        const prev = all[i - 1]!;
        const cur = all[i]!;
        expect(key(prev) > key(cur) || (key(prev) === key(cur) && prev.id > cur.id)).toBe(true);
      }
    }
  });
});

describe("post.breakdown", () => {
  it("counts the stars of all ratings and of those rated in the last days, from the folded windows", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const raters = await makeUsers(db, 5);
    const postId = await makePost(db, author);
    const scores = [5, 5, 4, 1, 0];
    await rows(
      db,
      sql`insert into ratings (post_id, user_id, score, created_at, updated_at)
          select ${postId}, u, s, t, t
          from unnest(${`{${raters.join(",")}}`}::int[], ${`{${scores.join(",")}}`}::smallint[]) as x(u, s)
          -- The two 5★ ratings are older than 30 days, the rest from this week.
          cross join lateral (select now() - case when s = 5 then interval '40 days' else interval '2 days' end as t) y`,
    );
    const api = callerFor(db, null);
    expect((await api.post.breakdown({ id: postId })).allTime.count).toBe(0); // not folded yet
    await fold(db);
    expect(await api.post.breakdown({ id: postId })).toEqual({
      days: 30,
      allTime: { histogram: [1, 1, 0, 0, 1, 2], count: 5, mean: 3 },
      recent: { histogram: [1, 1, 0, 0, 1, 0], count: 3, mean: 5 / 3 },
    });
    expect((await api.post.breakdown({ id: postId, days: 60 })).recent.count).toBe(5);
    await expect(api.post.breakdown({ id: postId, days: 0 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("days"),
    });
    await expect(api.post.breakdown({ id: 2_000_000_000 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
