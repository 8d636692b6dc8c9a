import { sql } from "drizzle-orm";
import type { JWT } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { observePreparedStatements } from "@/db/prepared";
import { authOptions } from "@/server/auth";
import { setRole } from "@/server/users/roles";
import { registerUser, verifyCredentials } from "@/server/users/accounts";
import { carriesEndedSession } from "@/server/session";
import {
  currentSessionVersion,
  endSession,
  endSessions,
  SESSION_MAX_AGE_SECONDS,
  SESSION_CACHE_MS,
  sessionIdentity,
  sessionUserId,
} from "@/server/users/sessions";
import { testDbForFile } from "../support/db";
import { sessionCookie } from "../support/session";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const handler = trpcOverHttp(async () => handle.db);
let nextEmail = 0;

async function account(role: "user" | "admin" = "user") {
  nextEmail += 1;
  const email = `session${nextEmail}@example.test`;
  const user = await registerUser(handle.db, { email, name: "Sessions", password: "a long password" });
  if (role === "admin") await handle.db.execute(sql`update users set role = 'admin' where id = ${user.id}`);
  return { ...user, email };
}

/** Signs in through next-auth's own callbacks, as the credentials route does: the JWT it would set. */
async function signIn(email: string): Promise<JWT> {
  const options = authOptions({ openDb: async () => handle.db });
  const user = await verifyCredentials(handle.db, email, "a long password");
  if (!user) throw new Error("sign-in failed");
  const token: JWT = { sub: String(user.id), name: user.name, email: user.email };
  return options.callbacks!.jwt!({
    token,
    user: { ...user, id: String(user.id) },
    account: null,
  });
}

/** What /api/auth/session and getServerSession do with a cookie's decoded JWT: null when refused. */
async function sessionFor(token: JWT): Promise<JWT | null> {
  const options = authOptions({ openDb: async () => handle.db });
  return Promise.resolve(options.callbacks!.jwt!({ token, account: null, user: undefined as never })).catch(
    () => null,
  );
}

async function listTokens(cookie: string): Promise<number> {
  const res = await handler(new NextRequest("http://localhost/api/trpc/token.list", { headers: { cookie } }));
  return res.status;
}

async function cookieOf(token: JWT) {
  return sessionCookie(token.sub ?? "", undefined, { sv: token.sv, sid: token.sid });
}

/** Signs out through next-auth's own event, with the JWT the sign-out request carried. */
async function signOut(token: JWT) {
  const options = authOptions({ openDb: async () => handle.db });
  await options.events!.signOut!({ token, session: undefined as never });
}

describe("signing out", () => {
  it("ends exactly the session it signs out of: every copy of its cookie, and no other session", async () => {
    const user = await account();
    const laptop = await signIn(user.email);
    const phone = await signIn(user.email);
    expect(laptop.sid).toEqual(expect.any(String));
    expect(phone.sid).not.toBe(laptop.sid);
    const copied = await cookieOf(laptop);
    expect(await listTokens(copied)).toBe(200);

    await signOut(laptop);

    expect(await listTokens(copied)).toBe(401);
    expect(await sessionFor(laptop)).toBeNull();
    expect(await carriesEndedSession(copied, handle.db)).toBe(true);
    // The account's other session goes on, and a sign-in right after is a new, current session.
    expect(await listTokens(await cookieOf(phone))).toBe(200);
    const again = await signIn(user.email);
    expect(await listTokens(await cookieOf(again))).toBe(200);
    expect(await carriesEndedSession(await cookieOf(again), handle.db)).toBe(false);
    // Signing out twice changes nothing more.
    await signOut(laptop);
    expect(await listTokens(await cookieOf(phone))).toBe(200);
  });

  it("keeps an ended session's id until every JWT of that session has expired", async () => {
    const user = await account();
    const token = await signIn(user.email);
    const at = Date.now();
    await endSession(handle.db, token, at);
    const [row] = await rows<{ expires_at: string }>(
      handle.db,
      sql`select expires_at::text from ended_sessions where session_id = ${token.sid ?? ""}`,
    );
    expect(new Date(row?.expires_at ?? 0).getTime()).toBeGreaterThan(at + SESSION_MAX_AGE_SECONDS * 1000);
  });

  it("ends every session of the account for a JWT from before sessions had ids", async () => {
    const user = await account();
    const legacy = { sub: String(user.id), sv: 0 };
    const other = await signIn(user.email);
    expect(await sessionUserId(handle.db, legacy)).toBe(user.id);

    await signOut(legacy);

    expect(await sessionUserId(handle.db, legacy)).toBeNull();
    expect(await sessionFor(other)).toBeNull();
  });

  it(`another instance's sign-out takes effect here within ${SESSION_CACHE_MS} ms, not later`, async () => {
    const user = await account();
    const token = { sub: String(user.id), sv: 0, sid: "another-instance-session" };
    const start = Date.now();
    expect(await sessionUserId(handle.db, token, start)).toBe(user.id);
    await handle.db.execute(
      sql`insert into ended_sessions (session_id, user_id, expires_at) values (${token.sid}, ${user.id}, now() + interval '31 days')`,
    );
    expect(await sessionUserId(handle.db, token, start + SESSION_CACHE_MS - 1)).toBe(user.id);
    expect(await sessionUserId(handle.db, token, start + SESSION_CACHE_MS)).toBeNull();
  });

  it("refuses a malformed session id, and says a garbage or missing cookie is no ended session", async () => {
    const user = await account();
    expect(await sessionUserId(handle.db, { sub: String(user.id), sid: 7 })).toBeNull();
    expect(await sessionUserId(handle.db, { sub: String(user.id), sid: "x" })).toBeNull();
    expect(await sessionUserId(handle.db, { sub: String(user.id), sid: "a".repeat(65) })).toBeNull();
    expect(await carriesEndedSession(null, handle.db)).toBe(false);
    expect(await carriesEndedSession("next-auth.session-token=garbage", handle.db)).toBe(false);
  });
});

describe("ending sessions", () => {
  it("ending sessions refuses the same cookie in tRPC and in the session endpoint", async () => {
    const user = await account();
    const token = await signIn(user.email);
    expect(token.sv).toBe(0);
    const cookie = await cookieOf(token);
    expect(await listTokens(cookie)).toBe(200);
    expect(await sessionFor(token)).not.toBeNull();

    await endSessions(handle.db, user.id);

    expect(await listTokens(cookie)).toBe(401);
    expect(await sessionFor(token)).toBeNull();
    // Signing in again works, under the new version.
    const again = await signIn(user.email);
    expect(again.sv).toBe(1);
    expect(await listTokens(await cookieOf(again))).toBe(200);
  });

  it("endSessions (password change or reset) ends every session of that account and no other", async () => {
    const user = await account();
    const other = await account();
    const laptop = await signIn(user.email);
    const phone = await signIn(user.email);
    const bystander = await signIn(other.email);

    expect(await endSessions(handle.db, user.id)).toBe(1);

    expect(await listTokens(await cookieOf(laptop))).toBe(401);
    expect(await listTokens(await cookieOf(phone))).toBe(401);
    expect(await sessionFor(phone)).toBeNull();
    expect(await listTokens(await cookieOf(bystander))).toBe(200);
    expect(await endSessions(handle.db, 2_000_000_000)).toBeNull();
  });

  it("demoting an admin ends their sessions; setting the role they already have does not", async () => {
    const admin = await account("admin");
    const token = await signIn(admin.email);
    expect(token.role).toBe("admin");
    expect(await setRole(handle.db, admin.email, "admin")).toBe(true);
    expect(await sessionFor(token)).not.toBeNull();

    expect(await setRole(handle.db, admin.email.toUpperCase(), "user")).toBe(true);

    expect(await sessionFor(token)).toBeNull();
    expect(await listTokens(await cookieOf(token))).toBe(401);
    expect((await signIn(admin.email)).role).toBe("user");
  });

  it("granting admin keeps the open session, which reads the new role at its next session read", async () => {
    const user = await account();
    const token = await signIn(user.email);
    expect(token.role).toBe("user");
    expect(await setRole(handle.db, user.email, "admin")).toBe(true);
    const next = await sessionFor(token);
    expect(next).not.toBeNull();
    expect(next?.role).toBe("admin");
    expect(await listTokens(await cookieOf(token))).toBe(200);
  });

  it("refuses a JWT naming no account, a malformed version, or one from a deleted account", async () => {
    const user = await account();
    expect(await sessionUserId(handle.db, { sub: String(user.id), sv: 0 })).toBe(user.id);
    // A cookie from before session versions existed counts as version 0.
    expect(await sessionUserId(handle.db, { sub: String(user.id) })).toBe(user.id);
    expect(await sessionUserId(handle.db, { sub: String(user.id), sv: "0" })).toBeNull();
    expect(await sessionUserId(handle.db, { sub: String(user.id), sv: 1 })).toBeNull();
    expect(await sessionUserId(handle.db, { sub: "2000000000", sv: 0 })).toBeNull();
    expect(await sessionUserId(handle.db, { sub: "abc" })).toBeNull();
    expect(await sessionUserId(handle.db, null)).toBeNull();
  });

  it(`another instance's ending of sessions takes effect here within ${SESSION_CACHE_MS} ms, not later`, async () => {
    const user = await account();
    const token = { sub: String(user.id), sv: 0 };
    const start = Date.now();
    expect(await sessionUserId(handle.db, token, start)).toBe(user.id);
    // Another server instance ends the sessions: this process's cache does not know yet.
    await handle.db.execute(
      sql`update users set session_version = session_version + 1 where id = ${user.id}`,
    );
    expect(await currentSessionVersion(handle.db, user.id, start + 1)).toBe(0);
    expect(await sessionUserId(handle.db, token, start + SESSION_CACHE_MS - 1)).toBe(user.id);
    expect(await sessionUserId(handle.db, token, start + SESSION_CACHE_MS)).toBeNull();
  });
});

describe("concurrent signed-in requests", () => {
  afterEach(() => observePreparedStatements((_text, run) => run()));

  it("share the session lookups, and each gets its own answer", async () => {
    const users = await Promise.all(Array.from({ length: 10 }, () => account()));
    const tokens = await Promise.all(users.map((user) => signIn(user.email)));
    await signOut(tokens[0]!);
    await endSessions(handle.db, users[1]!.id);
    let lookups = 0;
    observePreparedStatements((text, run) => {
      if (text.includes("ended_sessions e")) lookups += 1;
      return run();
    });
    // A later time than any cached read: every identity below is read from the database.
    const later = Date.now() + SESSION_CACHE_MS;
    const claims = [...tokens, { sub: "2000000000", sv: 0 }];
    const identities = await Promise.all(claims.map((token) => sessionIdentity(handle.db, token, later)));
    expect(identities).toEqual([
      { userId: null, accountGone: false },
      { userId: null, accountGone: false },
      ...users.slice(2).map((user) => ({ userId: user.id, accountGone: false })),
      { userId: null, accountGone: true },
    ]);
    expect(lookups).toBeGreaterThan(0);
    expect(lookups).toBeLessThan(claims.length);
  });
});
