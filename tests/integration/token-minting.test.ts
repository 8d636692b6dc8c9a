import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { createToken, MAX_TOKENS_PER_USER, revokeToken } from "@/server/users/tokens";
import { testDbForFile } from "../support/db";
import { makeUser, snapshot } from "../support/fixtures";
import { sessionCookie } from "../support/session";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const handler = trpcOverHttp(async () => handle.db);

async function createVia(headers: Record<string, string>, name = "minted") {
  const res = await handler(
    new NextRequest("http://localhost/api/trpc/token.create", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ name }),
    }),
  );
  return { status: res.status, json: (await res.json()) as { error?: { message: string } } };
}

async function activeTokens(userId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    handle.db,
    sql`select count(*)::int as n from api_tokens where user_id = ${userId} and revoked_at is null`,
  );
  return row?.n ?? -1;
}

describe("API tokens cannot mint tokens", () => {
  it("refuses token.create with a Bearer token (403, nothing written) and allows it with a session", async () => {
    const userId = await makeUser(handle.db);
    const parent = await createToken(handle.db, userId, "script");
    const before = await snapshot(handle.db);
    const minted = await createVia({ authorization: `Bearer ${parent.token}` });
    expect(minted.status).toBe(403);
    expect(minted.json.error?.message).toMatch(/^authorization: an API token cannot create tokens/);
    expect(await snapshot(handle.db)).toBe(before);
    expect(await activeTokens(userId)).toBe(1);
    // So revoking a token ends everything it could do: there is no child to outlive it.
    await revokeToken(handle.db, userId, parent.id);
    expect((await createVia({ authorization: `Bearer ${parent.token}` })).status).toBe(401);
    expect((await createVia({ cookie: await sessionCookie(userId) })).status).toBe(200);
  });
});

describe("the cap on active tokens", () => {
  it(`holds under 60 concurrent token.create calls: exactly ${MAX_TOKENS_PER_USER} succeed`, async () => {
    const userId = await makeUser(handle.db);
    const cookie = await sessionCookie(userId);
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => createVia({ cookie }, `concurrent ${i}`)),
    );
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(MAX_TOKENS_PER_USER);
    expect(statuses.filter((status) => status === 400)).toHaveLength(60 - MAX_TOKENS_PER_USER);
    expect(await activeTokens(userId)).toBe(MAX_TOKENS_PER_USER);
  });

  it("keeps names unique under 10 concurrent creations of one name: one succeeds, the rest get 409 on the name", async () => {
    const userId = await makeUser(handle.db);
    const cookie = await sessionCookie(userId);
    const results = await Promise.all(Array.from({ length: 10 }, () => createVia({ cookie }, "ci")));
    expect(results.map((result) => result.status).sort()).toEqual([200, ...Array<number>(9).fill(409)]);
    expect(results.find((result) => result.status === 409)?.json.error?.message).toMatch(/^name: /);
    expect(await activeTokens(userId)).toBe(1);
  });

  it("counts only active tokens: revoking one makes room for exactly one more", async () => {
    const userId = await makeUser(handle.db);
    const made = await Promise.all(
      Array.from({ length: MAX_TOKENS_PER_USER }, (_, i) => createToken(handle.db, userId, `t${i}`)),
    );
    await revokeToken(handle.db, userId, made[0]!.id);
    const again = await Promise.allSettled([
      createToken(handle.db, userId, "a"),
      createToken(handle.db, userId, "b"),
      createToken(handle.db, userId, "c"),
    ]);
    expect(again.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(await activeTokens(userId)).toBe(MAX_TOKENS_PER_USER);
  });
});
