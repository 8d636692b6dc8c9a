import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { EXACT_UNFOLDED_LIMIT, liveCount } from "@/server/ratings/live-count";
import { submitRating } from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { callerFor, fold, makePost, makeUser, makeUsers } from "../support/fixtures";

const handle = testDbForFile();

describe("live rating count of a post rated faster than it is folded", () => {
  it("stays exact past the cap, and a fold never makes a rating count twice", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const users = await makeUsers(db, EXACT_UNFOLDED_LIMIT + 300);
    const postId = await makePost(db, author);
    await rows(
      db,
      sql`insert into ratings (post_id, user_id, score) select ${postId}, id, 3 from users where id in ${users}`,
    );
    const api = callerFor(db, null);
    expect((await api.post.byId({ id: postId })).ratingCount).toBe(users.length);

    // A fold moves everything into the folded count: the cached unfolded count must not be added again.
    await fold(db);
    expect((await api.post.byId({ id: postId })).ratingCount).toBe(users.length);

    const more = await makeUsers(db, EXACT_UNFOLDED_LIMIT + 50);
    await rows(
      db,
      sql`insert into ratings (post_id, user_id, score) select ${postId}, id, 4 from users where id in ${more}`,
    );
    const total = users.length + more.length;
    expect((await api.post.byId({ id: postId })).ratingCount).toBe(total);
    const last = await makeUser(db);
    const submitted = await submitRating(db, { postId, userId: last, score: 5 });
    // Above the cap the count may be up to a second old, so this rating may or may not be in it yet.
    expect(submitted.ratingCount === total || submitted.ratingCount === total + 1).toBe(true);
  });

  it("reuses a count for at most a second while the folded count is unchanged", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const users = await makeUsers(db, EXACT_UNFOLDED_LIMIT + 10);
    await rows(
      db,
      sql`insert into ratings (post_id, user_id, score) select ${postId}, id, 1 from users where id in ${users}`,
    );
    const t = 1_000_000;
    const capped = null;
    expect(await liveCount(db, postId, 0, capped, t)).toBe(users.length);
    const extra = await makeUsers(db, 5);
    await rows(
      db,
      sql`insert into ratings (post_id, user_id, score) select ${postId}, id, 1 from users where id in ${extra}`,
    );
    expect(await liveCount(db, postId, 0, capped, t + 500)).toBe(users.length);
    expect(await liveCount(db, postId, 0, capped, t + 1500)).toBe(users.length + 5);
    // Below the cap nothing is cached: the statement's own count is used as is.
    expect(await liveCount(db, postId, 7, 3, t + 1600)).toBe(10);
  });
});
