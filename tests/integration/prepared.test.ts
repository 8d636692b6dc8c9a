import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres, rawRunnerOf, rows, type Db, type DbHandle } from "@/db/client";
import { preparedQuery, textArrayParam } from "@/db/prepared";
import { getPost, listPosts } from "@/server/posts/queries";
import { submitBatch, submitRating } from "@/server/ratings/submit";
import { SESSION_CACHE_MS, sessionIdentity } from "@/server/users/sessions";
import { verifyToken } from "@/server/users/tokens";
import { openTestDb } from "../support/db";
import { makePost, makeUser } from "../support/fixtures";

// Prepared statements live per connection, so each client here has exactly one.
const onPostgres = process.env.TEST_DRIVER === "postgres";

async function preparedTexts(db: Db): Promise<string[]> {
  const found = await rows<{ statement: string }>(db, sql`select statement from pg_prepared_statements`);
  return found.map((row) => row.statement);
}

describe.runIf(onPostgres)("hot statements on a direct Postgres connection", () => {
  let base: DbHandle & { url?: string };
  const clients: DbHandle[] = [];
  const open = async (prepare: boolean) => {
    const handle = await openPostgres(base.url!, { max: 1, prepare });
    clients.push(handle);
    return handle.db;
  };
  let postId = 0;
  let userId = 0;

  beforeAll(async () => {
    base = await openTestDb();
    userId = await makeUser(base.db);
    postId = await makePost(base.db, userId);
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await base.close();
  });

  it("are prepared on the connection when prepare is on, each text once", async () => {
    const db = await open(true);
    await submitRating(db, { postId, userId, score: 4 });
    await submitRating(db, { postId, userId, score: 2 });
    await listPosts(db, { viewerId: null, limit: 20, sort: "newest" });
    await listPosts(db, { viewerId: userId, limit: 20, sort: "top", q: "post" });
    await getPost(db, postId, userId);
    const texts = await preparedTexts(db);
    expect(texts.filter((t) => t.includes("insert into ratings"))).toHaveLength(1);
    // The anonymous newest page and the signed-in search ordered by rank: two variants, two texts.
    const pages = texts.filter((t) => t.includes("from posts p") && t.includes("order by"));
    expect(pages).toHaveLength(2);
    expect(pages.some((t) => t.includes("to_tsquery('simple', $"))).toBe(true);
    expect(texts.filter((t) => t.includes("p.content, p.score_state"))).toHaveLength(1);
  });

  it("are not prepared when prepare is off (a transaction pooler), and give the same answers", async () => {
    const db = await open(false);
    const rated = await submitRating(db, { postId, userId, score: 5 });
    expect(rated).toMatchObject({ myRating: 5, ratingCount: 1, changed: true, previous: { score: 2 } });
    const page = await listPosts(db, { viewerId: userId, limit: 20, sort: "top", q: "post" });
    expect(page.items.map((p) => [p.id, p.myRating, p.ratingCount])).toEqual([[postId, 5, 1]]);
    expect((await getPost(db, postId, userId))?.myRating).toBe(5);
    expect(await preparedTexts(db)).toEqual([]);
  });

  it("keep their generic plan when they take a list: from the sixth call Postgres plans them no more", async () => {
    const db = await open(true);
    const ownPost = await makePost(base.db, userId);
    const otherUser = await makeUser(base.db);
    const start = Date.now();
    for (let call = 0; call < 8; call++) {
      await submitRating(db, { postId: ownPost, userId, score: call % 6 });
      await submitBatch(db, [
        { postId: ownPost, userId: otherUser, score: call % 6 },
        { postId, userId: otherUser, score: call % 6 },
      ]);
      await listPosts(db, { viewerId: userId, limit: 20, sort: "newest" });
      // Unknown tokens and times past the session cache: every call reaches the database.
      await verifyToken(db, `ss_unknown-${call}`);
      await sessionIdentity(
        db,
        { sub: String(userId), sid: `session-${call}` },
        start + call * 2 * SESSION_CACHE_MS,
      );
    }
    const plans = await rows<{ statement: string; generic_plans: number; custom_plans: number }>(
      db,
      sql`select statement, generic_plans::int, custom_plans::int from pg_prepared_statements`,
    );
    const markers = [
      "from (select) one",
      "with ordinality as i(post_id",
      "from api_tokens",
      "ended_sessions",
      "as live_count",
    ];
    for (const marker of markers) {
      const plan = plans.find((p) => p.statement.includes(marker));
      expect(plan, marker).toBeDefined();
      expect({ marker, custom: plan!.custom_plans, generic: plan!.generic_plans }).toEqual({
        marker,
        custom: 5,
        generic: 3,
      });
    }
  });
});

// Next bundles db/client.ts once for the app router and once for the pages router (/api/trpc), and
// the process's database handle, opened by whichever bundle serves first, is shared by both. A
// fresh module graph (vi.resetModules) stands for the other bundle.
describe("a database opened by one bundle of db/client, used through another", () => {
  let handle: DbHandle;
  let postId = 0;
  let userId = 0;

  beforeAll(async () => {
    handle = await openTestDb();
    userId = await makeUser(handle.db);
    postId = await makePost(handle.db, userId);
  });
  afterAll(async () => {
    await handle.close();
  });

  it("still runs its statements straight on the driver", async () => {
    vi.resetModules();
    const other = await import("@/db/client");
    expect(other.rawRunnerOf).not.toBe(rawRunnerOf);
    expect(other.rawRunnerOf(handle.db)).toBe(rawRunnerOf(handle.db));
    expect(rawRunnerOf(handle.db)).toBeTypeOf("function");
  });

  it.runIf(onPostgres)("prepares them on the connection", async () => {
    const url = (handle as DbHandle & { url?: string }).url!;
    const opened = await openPostgres(url, { max: 1, prepare: true });
    try {
      vi.resetModules();
      const other = await import("@/server/ratings/submit");
      const raters = await Promise.all([1, 2, 3].map(() => makeUser(opened.db)));
      const results = await Promise.all(
        raters.map((id) => other.submitRating(opened.db, { postId, userId: id, score: 3 })),
      );
      expect(results.map((r) => r.changed)).toEqual([true, true, true]);
      expect((await preparedTexts(opened.db)).filter((t) => t.includes("insert into ratings"))).toHaveLength(
        1,
      );
    } finally {
      await opened.close();
    }
  });
});

describe("textArrayParam", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openTestDb();
  });
  afterAll(async () => {
    await handle.close();
  });

  it("passes any strings through a text[] parameter unchanged", async () => {
    const values = ['a"b', "c\\d", "", "x,y", "{z}", "NULL", " spaced "];
    const echo = preparedQuery<{ list: string }>(["list"], (p) => sql`select unnest(${p.list}::text[]) as v`);
    const found = await echo.rows<{ v: string }>(handle.db, { list: textArrayParam(values) });
    expect(found.map((row) => row.v)).toEqual(values);
  });
});
