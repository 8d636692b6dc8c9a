import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "@/db/client";
import { observePreparedStatements } from "@/db/prepared";
import { flushTokenUses, MAX_TOKENS_PER_USER, TOKEN_USE_DELAY_MS, verifyToken } from "@/server/users/tokens";
import { testDbForFile } from "../support/db";
import { sessionCookie } from "../support/session";
import { callerFor, makePost, makeUser, snapshot } from "../support/fixtures";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const handler = trpcOverHttp(async () => handle.db);

async function rate(postId: number, headers: Record<string, string>) {
  const res = await handler(
    new NextRequest("http://localhost/api/trpc/rating.submit", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ postId, score: 3 }),
    }),
  );
  return { status: res.status, body: (await res.json()) as { result?: { data: { myRating: number } } } };
}

afterEach(() => observePreparedStatements((_text, run) => run()));

describe("API tokens", () => {
  it("first used at once share lookups, and each call gets its own account or none", async () => {
    const { db } = handle;
    const owners = await Promise.all(Array.from({ length: 12 }, () => makeUser(db)));
    const tokens = await Promise.all(
      owners.map(async (owner) => (await callerFor(db, owner).token.create({ name: "script" })).token),
    );
    const revoked = await callerFor(db, owners[0]!).token.create({ name: "old" });
    await callerFor(db, owners[0]!).token.revoke({ id: revoked.id });
    const unknown = `ss_${"x".repeat(43)}`;
    let lookups = 0;
    observePreparedStatements((text, run) => {
      if (text.includes("from api_tokens t join users u")) lookups += 1;
      return run();
    });
    const identities = await Promise.all([...tokens, revoked.token, unknown].map((t) => verifyToken(db, t)));
    expect(identities).toEqual([...owners.map((userId) => ({ userId })), null, null]);
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThan(tokens.length);
  });

  it("are shown once, stored hashed, authenticate Bearer calls, and stop working when revoked", async () => {
    const { db } = handle;
    const owner = await makeUser(db);
    const postId = await makePost(db, owner);
    const api = callerFor(db, owner);
    const created = await api.token.create({ name: "load test" });
    expect(created.token).toMatch(/^ss_[A-Za-z0-9_-]{43}$/);
    const listed = await api.token.list();
    expect(listed).toEqual([
      {
        id: created.id,
        name: "load test",
        prefix: created.token.slice(0, 10),
        createdAt: created.createdAt,
        lastUsedAt: null,
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token);

    const ok = await rate(postId, { authorization: `Bearer ${created.token}` });
    expect(ok.status).toBe(200);
    expect((await callerFor(db, owner).post.byId({ id: postId })).myRating).toBe(3);
    expect((await api.token.list())[0]?.lastUsedAt).not.toBeNull();

    await api.token.revoke({ id: created.id });
    expect((await rate(postId, { authorization: `Bearer ${created.token}` })).status).toBe(401);
    expect(await api.token.list()).toEqual([]);
  });

  it("record their last use at most every 5 minutes, and stop working once revoked anywhere", async () => {
    const { db } = handle;
    const owner = await makeUser(db);
    const { token, id } = await callerFor(db, owner).token.create({ name: "touch" });
    // Uses are written together shortly after (flushTokenUses runs on a timer); the test writes them now.
    const stored = async () => {
      const [row] = await rows<{ at: string | null }>(
        db,
        sql`select last_used_at::text as at from api_tokens where id = ${id}`,
      );
      return row?.at ?? null;
    };
    const lastUsed = async () => {
      await flushTokenUses(db);
      return stored();
    };
    // Each call passes a time past the previous one's cache period, so every one reads the database.
    const later = (seconds: number) => Date.now() + seconds * 1000;
    expect(await verifyToken(db, token, later(0))).toEqual({ userId: owner });
    // The request wrote nothing; the use is written on its own shortly after.
    expect(await stored()).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, TOKEN_USE_DELAY_MS * 2));
    const first = await stored();
    expect(first).not.toBeNull();
    expect(await verifyToken(db, token, later(60))).toEqual({ userId: owner });
    expect(await lastUsed()).toBe(first);
    await rows(db, sql`update api_tokens set last_used_at = now() - interval '10 minutes' where id = ${id}`);
    const stale = await lastUsed();
    expect(await verifyToken(db, token, later(120))).toEqual({ userId: owner });
    expect(await lastUsed()).not.toBe(stale);
    // Revoked elsewhere (another instance): refused here once the cached verdict has expired.
    await rows(db, sql`update api_tokens set revoked_at = now() where id = ${id}`);
    expect(await verifyToken(db, token, later(180))).toBeNull();
  });

  it("a bad Bearer token is anonymous even beside a valid session cookie", async () => {
    const { db } = handle;
    const user = await makeUser(db);
    const postId = await makePost(db, user);
    const cookie = await sessionCookie(user);
    const before = await snapshot(db);
    for (const authorization of [
      "Bearer ss_forged",
      "Bearer ",
      "Bearer x".repeat(50),
      `Bearer ss_${"A".repeat(43)}`,
    ]) {
      expect((await rate(postId, { authorization, cookie })).status).toBe(401);
    }
    expect(await snapshot(db)).toBe(before);
  });

  it("nobody can revoke another user's token, and the number of tokens is capped", async () => {
    const { db } = handle;
    const alice = await makeUser(db);
    const mallory = await makeUser(db);
    const token = await callerFor(db, alice).token.create({ name: "alice's" });
    await expect(callerFor(db, mallory).token.revoke({ id: token.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await callerFor(db, alice).token.list()).toHaveLength(1);
    await expect(callerFor(db, null).token.create({ name: "x" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    await expect(callerFor(db, alice).token.create({ name: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });

    for (let i = 1; i < MAX_TOKENS_PER_USER; i++) await callerFor(db, alice).token.create({ name: `t${i}` });
    const error = await callerFor(db, alice)
      .token.create({ name: "one too many" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect(await callerFor(db, alice).token.list()).toHaveLength(MAX_TOKENS_PER_USER);
  });

  it("refuses a second active token of the same name (ignoring case), naming the field; a revoked name is free", async () => {
    const { db } = handle;
    const owner = await makeUser(db);
    const other = await makeUser(db);
    const api = callerFor(db, owner);
    const first = await api.token.create({ name: "Deploy" });
    const error = await api.token.create({ name: "deploy" }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^name: you already have an active token named “deploy”/),
    });
    expect(await api.token.list()).toHaveLength(1);
    // Names are per user, and a revoked token's name may be used again.
    await callerFor(db, other).token.create({ name: "Deploy" });
    await api.token.revoke({ id: first.id });
    expect((await api.token.create({ name: "deploy" })).name).toBe("deploy");
  });
});
