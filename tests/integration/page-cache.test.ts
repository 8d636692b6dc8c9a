// The shared anonymous list pages (server/posts/page-cache.ts): reused for a moment, never past a
// change this process made, and never hiding from a signed-in viewer what they just did.
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { cachePagesOf, PAGE_CACHE_MS, pagesChanged } from "@/server/posts/page-cache";
import { listPosts } from "@/server/posts/queries";
import { submitRating } from "@/server/ratings/submit";
import { openTestDb, testDbForFile } from "../support/db";
import { callerFor, fold, makePost, makeUser } from "../support/fixtures";

const handle = testDbForFile();
const anonymous = () => listPosts(handle.db, { viewerId: null, limit: 20, sort: "newest" });
const titles = async () => (await anonymous()).items.map((post) => post.title);
const renameDirectly = (postId: number, title: string) =>
  rows(handle.db, sql`update posts set title = ${title} where id = ${postId}`);
const settle = () => new Promise((resolve) => setTimeout(resolve, PAGE_CACHE_MS * 2));

/**
 * Runs `steps` from a freshly read page and returns what they saw, if they finished inside one
 * cache period (a busy machine may take longer: then the steps run again from a fresh page).
 */
async function withinOnePeriod<T>(steps: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 10; attempt++) {
    await settle();
    const started = Date.now();
    const seen = await steps();
    if (Date.now() - started < PAGE_CACHE_MS) return seen;
  }
  throw new Error(`ten tries took longer than PAGE_CACHE_MS (${PAGE_CACHE_MS} ms) each`);
}

describe("anonymous list pages", () => {
  let author = 0;
  let postId = 0;
  beforeAll(async () => {
    author = await makeUser(handle.db);
    postId = await makePost(handle.db, author, "first title");
    cachePagesOf(handle.db);
  });

  it("are reused for up to PAGE_CACHE_MS when nothing in this process changed them, then read again", async () => {
    // Another process's write (a script, a second instance): not seen while the page is kept...
    const [before, during] = await withinOnePeriod(async () => {
      const read = await titles();
      await renameDirectly(postId, read.includes("first title") ? "renamed elsewhere" : "first title");
      return [read, await titles()];
    });
    expect(during).toEqual(before);
    // ...and seen once it has expired.
    await settle();
    expect(await titles()).not.toEqual(before);
  });

  it("are read again at once after a mutation of this process, or a change it announces", async () => {
    await anonymous();
    await callerFor(handle.db, author).post.create({ title: "made through the API", content: "words" });
    expect(await titles()).toContain("made through the API");

    await renameDirectly(postId, "renamed and announced");
    pagesChanged();
    expect(await titles()).toContain("renamed and announced");
  });

  it("are read again at once after a fold moved a score", async () => {
    const rater = await makeUser(handle.db);
    await submitRating(handle.db, { postId, userId: rater, score: 4 });
    const before = (await anonymous()).items.find((post) => post.id === postId);
    expect(before?.score).toBeNull();
    await fold(handle.db);
    expect((await anonymous()).items.find((post) => post.id === postId)?.score).toBe(4);
  });

  it("are shared by concurrent requests: one page query for many callers", async () => {
    await settle();
    const pages = await Promise.all(Array.from({ length: 8 }, () => anonymous()));
    for (const page of pages) expect(page).toBe(pages[0]);
  });

  it("show a signed-in viewer their own rating and the live count at once, even while the shared page is kept", async () => {
    const count = async () => (await anonymous()).items.find((post) => post.id === postId)!.ratingCount;
    let viewer = 0;
    // Written without telling the cache (as a second instance would): the shared page is still the old one.
    const [countBefore, shared, rated, mine] = await withinOnePeriod(async () => {
      viewer = await makeUser(handle.db);
      const before = await count();
      const result = await submitRating(handle.db, { postId, userId: viewer, score: 2 });
      const page = await listPosts(handle.db, { viewerId: viewer, limit: 20, sort: "newest" });
      return [before, await count(), result, page] as const;
    });
    expect(shared).toBe(countBefore);
    const card = mine.items.find((post) => post.id === postId);
    expect(card).toMatchObject({ myRating: 2, ratingCount: rated.ratingCount });
    expect(rated.ratingCount).toBe(countBefore + 1);
    // Other viewers' pages carry no one else's rating.
    const other = await listPosts(handle.db, { viewerId: author, limit: 20, sort: "newest" });
    expect(other.items.find((post) => post.id === postId)?.myRating).toBeNull();
  });
});

describe("a database handle that did not opt in", () => {
  it("is read on every call (tests and scripts see their own writes at once)", async () => {
    const own = await openTestDb();
    try {
      const author = await makeUser(own.db);
      const id = await makePost(own.db, author, "before");
      const list = async () =>
        (await listPosts(own.db, { viewerId: null, limit: 20, sort: "newest" })).items.map((p) => p.title);
      expect(await list()).toEqual(["before"]);
      await rows(own.db, sql`update posts set title = 'after' where id = ${id}`);
      expect(await list()).toEqual(["after"]);
    } finally {
      await own.close();
    }
  });
});
