import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, rows, type Db, type DbHandle } from "@/db/client";
import { getPost, listPosts } from "@/server/posts/queries";
import { submitRating } from "@/server/ratings/submit";
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
});
