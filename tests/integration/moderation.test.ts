import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { rows, type Db } from "@/db/client";
import { listLockedPosts } from "@/server/moderation";
import { setRole } from "@/server/users/roles";
import { runFold } from "@/server/ratings/fold";
import { submitRating } from "@/server/ratings/submit";
import { issueAccountToken } from "@/server/users/account-tokens";
import { isConfiguredAdmin, registerUser, verifyCredentials } from "@/server/users/accounts";
import { getRole } from "@/server/users/roles";
import { confirmEmail } from "@/server/users/verification";
import { testDbForFile } from "../support/db";
import { callerFor, fold, makePost, makeUser, makeUsers, snapshot } from "../support/fixtures";

const handle = testDbForFile();
let admin: number;
beforeAll(async () => {
  admin = await makeUser(handle.db);
  await rows(handle.db, sql`update users set role = 'admin' where id = ${admin}`);
});

describe("moderation", () => {
  it("refuses every admin procedure to a normal user with FORBIDDEN", async () => {
    const { db } = handle;
    const user = await makeUser(db);
    const postId = await makePost(db, user);
    const api = callerFor(db, user);
    const before = await snapshot(db);
    for (const call of [
      () => api.admin.lockPost({ postId }),
      () => api.admin.unlockPost({ postId }),
      () => api.admin.heldPosts(),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect(error).toMatchObject({ code: "FORBIDDEN" });
    }
    await expect(callerFor(db, null).admin.heldPosts()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await snapshot(db)).toBe(before);
  });

  it("a locked post refuses ratings with 403 and writes nothing, keeps its score, and unlocks", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const [rater, other] = await makeUsers(db, 2);
    const postId = await makePost(db, author);
    await callerFor(db, rater!).rating.submit({ postId, score: 4 });
    await fold(db);

    await callerFor(db, admin).admin.lockPost({ postId });
    const before = await snapshot(db);
    const error = await callerFor(db, other!)
      .rating.submit({ postId, score: 1 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "FORBIDDEN" });
    expect((error as TRPCError).message).toMatch(/^postId: post \d+ is locked/);
    await expect(callerFor(db, rater!).rating.submit({ postId, score: 0 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await snapshot(db)).toBe(before);
    expect(await callerFor(db, null).post.byId({ id: postId })).toMatchObject({ score: 4, ratingCount: 1 });

    // No burst is held on it, so the held list misses it: the locked list has it.
    expect((await listLockedPosts(db)).find((p) => p.id === postId)).toMatchObject({ ratingCount: 1 });

    await callerFor(db, admin).admin.unlockPost({ postId });
    expect((await listLockedPosts(db)).some((p) => p.id === postId)).toBe(false);
    await expect(callerFor(db, other!).rating.submit({ postId, score: 1 })).resolves.toMatchObject({
      changed: true,
      ratingCount: 2,
    });
    await expect(callerFor(db, admin).admin.lockPost({ postId: 1_999_999_999 })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("lists posts whose recent ratings are held as bursts, with counts and times", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const regulars = await makeUsers(db, 30);
    const crowd = await makeUsers(db, 80);
    const postId = await makePost(db, author, "bombed");
    for (const [i, user] of regulars.entries()) {
      await submitRating(db, { postId, userId: user, score: 4 });
      await rows(
        db,
        sql`update ratings set updated_at = now() - make_interval(secs => ${3600 - i * 115}) where post_id = ${postId} and user_id = ${user}`,
      );
    }
    await runFold(db, { policy: "steady", windowSeconds: 120 });
    for (const user of crowd) await submitRating(db, { postId, userId: user, score: 0 });
    await runFold(db, { policy: "steady", windowSeconds: 120 });

    const held = await callerFor(db, admin).admin.heldPosts();
    const entry = held.find((p) => p.id === postId);
    expect(entry).toBeDefined();
    expect(entry!.heldCount).toBeGreaterThan(60);
    expect(entry!.heldMean).toBeLessThan(0.5);
    expect(entry!.ratingCount).toBe(110);
    expect(entry!.lastHeldAt).toBeGreaterThanOrEqual(entry!.heldSince);
    expect(entry!.scoreAllIncluded).toBeLessThan(entry!.score ?? 0);
  });

  it("grants admin only through the admin command or a confirmed ADMIN_EMAILS address, never by typing one", async () => {
    const { db } = handle;
    expect(
      isConfiguredAdmin("Boss@Example.test", { ADMIN_EMAILS: "boss@example.test, other@example.test" }),
    ).toBe(true);
    expect(isConfiguredAdmin("nobody@example.test", { ADMIN_EMAILS: "boss@example.test" })).toBe(false);
    const previous = process.env.ADMIN_EMAILS;
    process.env.ADMIN_EMAILS = "first-admin@example.test";
    try {
      // Anyone can type a listed address, in any letter case: neither registering nor signing in
      // with it grants admin; confirming the address does.
      const first = await registerUser(db, {
        email: "First-Admin@example.test",
        name: "First",
        password: "password1",
      });
      expect(first).toMatchObject({ role: "user" });
      expect(await verifyCredentials(db, "FIRST-ADMIN@example.test", "password1")).toMatchObject({
        role: "user",
      });
      expect(await getRoleByEmail(db, "first-admin@example.test")).toBe("user");
      await confirmEmail(db, await issueAccountToken(db, first.id, "verify_email", first.email));
      expect(await getRole(db, first.id)).toBe("admin");
      expect(
        await registerUser(db, { email: "plain@example.test", name: "Plain", password: "password1" }),
      ).toMatchObject({ role: "user" });
    } finally {
      process.env.ADMIN_EMAILS = previous;
    }
    expect(await setRole(db, "FIRST-admin@example.test", "admin")).toBe(true);
    expect(await getRoleByEmail(db, "first-admin@example.test")).toBe("admin");
    expect(await setRole(db, "missing@example.test", "admin")).toBe(false);
  });
});

async function getRoleByEmail(db: Db, email: string) {
  const [row] = await rows<{ role: string }>(db, sql`select role from users where email = ${email}`);
  return row?.role;
}
