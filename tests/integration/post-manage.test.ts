import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { submitRating } from "@/server/ratings/submit";
import { testDbForFile } from "../support/db";
import { recomputedWindows, storedWindows } from "../support/engine";
import { callerFor, fold, makePost, makeUsers, snapshot } from "../support/fixtures";

const handle = testDbForFile();

async function makeAdmin(userId: number) {
  await rows(handle.db, sql`update users set role = 'admin' where id = ${userId}`);
}

describe("an author's own post", () => {
  it("is edited by its author only, with a clear error for anyone else", async () => {
    const { db } = handle;
    const [author, other] = await makeUsers(db, 2);
    const postId = await makePost(db, author!, "Before", "one two three");
    await callerFor(db, author!).post.update({ postId, title: "After", content: "four five six seven" });
    const post = await callerFor(db, null).post.byId({ id: postId });
    expect(post).toMatchObject({
      title: "After",
      content: "four five six seven",
      excerpt: "four five six seven",
    });
    expect(post.analysis.wordCount).toBe(4);
    expect(post.editedAt).not.toBeNull();

    const before = await snapshot(db);
    await expect(
      callerFor(db, other!).post.update({ postId, title: "Mine now", content: "x" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("postId") });
    await expect(
      callerFor(db, author!).post.update({ postId, title: " ", content: "x" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("title") });
    await expect(callerFor(db, other!).post.delete({ postId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await snapshot(db)).toBe(before);
    expect((await callerFor(db, null).post.byId({ id: postId })).title).toBe("After");
  });

  it("deleted: gone from every page at once, its ratings out of every aggregate after the fold", async () => {
    const { db } = handle;
    const [author, a, b] = await makeUsers(db, 3);
    const postId = await makePost(db, author!, "Doomed");
    await submitRating(db, { postId, userId: a!, score: 4 });
    await submitRating(db, { postId, userId: b!, score: 1 });
    await fold(db);
    await callerFor(db, author!).post.delete({ postId });

    await expect(callerFor(db, author!).post.byId({ id: postId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const list = await callerFor(db, null).post.list({ limit: 50 });
    expect(list.items.map((p) => p.id)).not.toContain(postId);
    await expect(callerFor(db, a!).rating.submit({ postId, score: 2 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(callerFor(db, author!).post.delete({ postId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await fold(db);
    const [left] = await rows<{ ratings: number; windows: number; count: number }>(
      db,
      sql`select (select count(*)::int from ratings where post_id = ${postId}) as ratings,
                 (select count(*)::int from rating_windows where post_id = ${postId}) as windows,
                 (select rating_count from posts where id = ${postId}) as count`,
    );
    expect(left).toEqual({ ratings: 0, windows: 0, count: 0 });
    expect(await storedWindows(db)).toEqual(await recomputedWindows(db));
  });
});

describe("a post hidden by a moderator", () => {
  it("is gone for everyone but moderators until shown again; only moderators may hide", async () => {
    const { db } = handle;
    const [author, admin] = await makeUsers(db, 2);
    await makeAdmin(admin!);
    const postId = await makePost(db, author!, "Spam");
    await expect(callerFor(db, author!).admin.hidePost({ postId })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    await callerFor(db, admin!).admin.hidePost({ postId });
    await expect(callerFor(db, author!).post.byId({ id: postId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await callerFor(db, null).post.list({ limit: 50 })).items.map((p) => p.id)).not.toContain(postId);
    expect(await callerFor(db, admin!).post.byId({ id: postId })).toMatchObject({ hidden: true });

    await callerFor(db, admin!).admin.unhidePost({ postId });
    expect(await callerFor(db, null).post.byId({ id: postId })).toMatchObject({ hidden: false });
    await expect(callerFor(db, admin!).admin.hidePost({ postId: 999_999 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
