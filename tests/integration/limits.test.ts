import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { authorizeCredentials } from "@/server/auth";
import { authSecret } from "@/server/env";
import {
  createLimits,
  LIMIT_VARIABLES,
  limitsConfigFromEnv,
  type Limits,
  type LimitsConfig,
} from "@/server/limits";
import { registerUser } from "@/server/users/accounts";
import { openTestDb } from "../support/db";
import { countRatings, makePost, makeUser, snapshot } from "../support/fixtures";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { trpcOverHttp } from "../support/trpc-http";

// With REDIS_URL set (CI sets it) every behaviour test runs twice: in-process and through the
// Upstash REST protocol against that Redis; an unreachable REDIS_URL fails them. Without it, the
// in-process runs alone, so a machine without Redis still proves the behaviour.
const REDIS_URL = process.env.REDIS_URL;
const backends = REDIS_URL ? (["memory", "redis"] as const) : (["memory"] as const);
type Backend = (typeof backends)[number];

// Unique per file run: the PGlite and Postgres projects, and parallel CI runs, share one Redis.
const RUN = `steadystar-test:${randomBytes(6).toString("hex")}`;
let nextPrefix = 0;

let handle: DbHandle;
let bridge: UpstashBridge | undefined;
let bridgeFailure: unknown;
beforeAll(async () => {
  handle = await openTestDb();
  // Kept to fail each Redis test by name, rather than the whole file with nothing counted as failed.
  if (REDIS_URL)
    bridge = await startUpstashBridge(REDIS_URL).catch((error: unknown) => void (bridgeFailure = error));
});
afterAll(async () => {
  await bridge?.close();
  await handle?.close();
});

const everyRuleOff = Object.fromEntries(
  Object.values(LIMIT_VARIABLES).map((variable) => [variable.env, "off"]),
);

/** Only the rules a test names are on, so each test proves one rule. */
function configFor(
  backend: Backend | "down",
  rules: Record<string, string>,
  redisUrl?: string,
): LimitsConfig {
  if (backend === "redis" && !bridge) throw bridgeFailure ?? new Error("the Upstash bridge did not start");
  const redis =
    backend === "redis"
      ? { UPSTASH_REDIS_REST_URL: bridge?.url, UPSTASH_REDIS_REST_TOKEN: bridge?.token }
      : backend === "down"
        ? { UPSTASH_REDIS_REST_URL: redisUrl, UPSTASH_REDIS_REST_TOKEN: "any-token" }
        : {};
  const config = limitsConfigFromEnv({ ...everyRuleOff, ...rules, ...redis });
  nextPrefix += 1;
  return { ...config, prefix: `${RUN}:${nextPrefix}` };
}

/**
 * The sliding window counts part of the previous fixed window, so requests straddling a window
 * boundary could let one extra through; a test that counts to N starts where the window has room.
 */
async function roomInWindow(windowMs: number, needMs = 5_000) {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

async function sessionCookie(userId: number): Promise<string> {
  const token = await encode({
    token: { sub: String(userId), name: "Tester", email: "t@example.test" },
    secret: authSecret(),
  });
  return `next-auth.session-token=${token}`;
}

type CallResult = { status: number; retryAfter: string | null; message?: string; data?: unknown };

function client(limits: Limits) {
  const handler = trpcOverHttp(async () => handle.db, { limits: () => limits });
  return async (path: string, body: unknown, who: { userId?: number; ip: string }): Promise<CallResult> => {
    const headers: Record<string, string> = {
      "content-type": "application/json",
      // What the client wrote first, then the address the trusted proxy saw (TRUST_PROXY=1).
      "x-forwarded-for": `10.0.0.1, ${who.ip}`,
    };
    if (who.userId !== undefined) headers.cookie = await sessionCookie(who.userId);
    const res = await handler(
      new NextRequest(`http://localhost/api/trpc/${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(body),
      }),
    );
    const json = (await res.json()) as { result?: { data: unknown }; error?: { message: string } };
    return {
      status: res.status,
      retryAfter: res.headers.get("retry-after"),
      message: json.error?.message,
      data: json.result?.data,
    };
  };
}

let nextIp = 0;
function newIp(): string {
  nextIp += 1;
  return `203.0.113.${nextIp}`;
}

describe.each(backends)("rate limits (%s)", (backend) => {
  it("answers the N+1th rating in the window with 429, Retry-After and a message, writing nothing", async () => {
    const { db } = handle;
    const call = client(createLimits(configFor(backend, { LIMIT_RATING_USER: "3/1m" })));
    const [author, rater] = [await makeUser(db), await makeUser(db)];
    const posts = [
      await makePost(db, author),
      await makePost(db, author),
      await makePost(db, author),
      await makePost(db, author),
    ];
    const ip = newIp();
    await roomInWindow(60_000);
    for (const postId of posts.slice(0, 3))
      expect((await call("rating.submit", { postId, score: 4 }, { userId: rater, ip })).status).toBe(200);
    const before = await snapshot(db);
    const refused = await call("rating.submit", { postId: posts[3], score: 1 }, { userId: rater, ip });
    expect(refused.status).toBe(429);
    const seconds = Number(refused.retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(refused.message).toBe(
      `Too many ratings: try again in ${seconds} second${seconds === 1 ? "" : "s"}`,
    );
    expect(await snapshot(db)).toBe(before);
  });

  it("limits a different user separately: one user's limit does not stop another", async () => {
    const { db } = handle;
    const call = client(createLimits(configFor(backend, { LIMIT_RATING_USER: "2/1m" })));
    const author = await makeUser(db);
    const [first, second] = [await makeUser(db), await makeUser(db)];
    const postId = await makePost(db, author);
    const ip = newIp();
    await roomInWindow(60_000);
    expect((await call("rating.submit", { postId, score: 1 }, { userId: first, ip })).status).toBe(200);
    expect((await call("rating.submit", { postId, score: 2 }, { userId: first, ip })).status).toBe(200);
    expect((await call("rating.submit", { postId, score: 3 }, { userId: first, ip })).status).toBe(429);
    expect((await call("rating.submit", { postId, score: 5 }, { userId: second, ip })).status).toBe(200);
  });

  it("limits per IP across users, and not other addresses", async () => {
    const { db } = handle;
    const call = client(
      createLimits(configFor(backend, { LIMIT_RATING_USER: "10/1m", LIMIT_RATING_IP: "3/1m" })),
    );
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const [shared, other] = [newIp(), newIp()];
    await roomInWindow(60_000);
    for (let i = 0; i < 3; i++)
      expect(
        (await call("rating.submit", { postId, score: 3 }, { userId: await makeUser(db), ip: shared }))
          .status,
      ).toBe(200);
    const late = await makeUser(db);
    const before = await snapshot(db);
    const refused = await call("rating.submit", { postId, score: 0 }, { userId: late, ip: shared });
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).not.toBeNull();
    expect(await snapshot(db)).toBe(before);
    expect((await call("rating.submit", { postId, score: 0 }, { userId: late, ip: other })).status).toBe(200);
  });

  it("takes a per-IP rating limit of off: many users from one address all rate", async () => {
    const { db } = handle;
    const call = client(
      createLimits(configFor(backend, { LIMIT_RATING_USER: "2/1m", LIMIT_RATING_IP: "off" })),
    );
    const postId = await makePost(db, await makeUser(db));
    const ip = newIp();
    for (let i = 0; i < 8; i++)
      expect(
        (await call("rating.submit", { postId, score: 2 }, { userId: await makeUser(db), ip })).status,
      ).toBe(200);
  });

  it("lets requests through again once the window has passed", async () => {
    const { db } = handle;
    const call = client(createLimits(configFor(backend, { LIMIT_RATING_USER: "2/1s" })));
    const rater = await makeUser(db);
    const postId = await makePost(db, await makeUser(db));
    const ip = newIp();
    let refused: CallResult | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const res = await call("rating.submit", { postId, score: i % 6 }, { userId: rater, ip });
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(200);
    }
    expect(refused?.retryAfter).toBe("1");
    await new Promise((resolve) => setTimeout(resolve, 1_000 * Number(refused?.retryAfter)));
    const again = await call("rating.submit", { postId, score: 5 }, { userId: rater, ip });
    expect(again.status).toBe(200);
    expect(again.data).toMatchObject({ myRating: 5 });
  });

  it("limits post.create per user and per IP, writing nothing when refused", async () => {
    const { db } = handle;
    const call = client(createLimits(configFor(backend, { LIMIT_POST_USER: "2/1m", LIMIT_POST_IP: "3/1m" })));
    const [one, two] = [await makeUser(db), await makeUser(db)];
    const ip = newIp();
    const post = (n: number) => ({ title: `Limited ${n}`, content: "Words enough to be a post." });
    await roomInWindow(60_000);
    expect((await call("post.create", post(1), { userId: one, ip })).status).toBe(200);
    expect((await call("post.create", post(2), { userId: one, ip })).status).toBe(200);
    let before = await snapshot(db);
    const perUser = await call("post.create", post(3), { userId: one, ip: newIp() });
    expect(perUser.status).toBe(429);
    expect(perUser.message).toMatch(/^Too many new posts: try again in \d+ seconds?$/);
    expect(await snapshot(db)).toBe(before);
    expect((await call("post.create", post(4), { userId: two, ip })).status).toBe(200);
    before = await snapshot(db);
    expect((await call("post.create", post(5), { userId: two, ip })).status).toBe(429);
    expect(await snapshot(db)).toBe(before);
  });

  it("limits user.register per IP, writing nothing when refused", async () => {
    const { db } = handle;
    const call = client(createLimits(configFor(backend, { LIMIT_REGISTER_IP: "2/1m" })));
    const ip = newIp();
    const tag = randomBytes(4).toString("hex");
    const account = (n: number) => ({
      email: `limit-${tag}-${n}@example.test`,
      name: `Limit ${n}`,
      password: "password1",
    });
    await roomInWindow(60_000);
    expect((await call("user.register", account(1), { ip })).status).toBe(200);
    expect((await call("user.register", account(2), { ip })).status).toBe(200);
    const before = await snapshot(db);
    const refused = await call("user.register", account(3), { ip });
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).not.toBeNull();
    expect(refused.message).toMatch(/^Too many registrations: try again in \d+ seconds?$/);
    expect(await snapshot(db)).toBe(before);
    expect((await call("user.register", account(3), { ip: newIp() })).status).toBe(200);
  });

  it("limits sign-in attempts per (email, address) and per address, never locking the owner out", async () => {
    const { db } = handle;
    const slowdownMs = 200;
    const authorize = authorizeCredentials({
      openDb: async () => db,
      limits: createLimits(
        configFor(backend, {
          LIMIT_SIGNIN_EMAIL_IP: "2/1m",
          LIMIT_SIGNIN_IP: "4/1m",
          LIMIT_SIGNIN_EMAIL: "2/1m",
        }),
      ),
      slowdownMs,
    });
    const tag = randomBytes(4).toString("hex");
    const email = `signin-${tag}@example.test`;
    await registerUser(db, { email, name: "Signer", password: "correct horse" });
    const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } });
    // Fifteen argon2 checks and a slowdown: the whole sequence must fit in one fixed window.
    await roomInWindow(60_000, 20_000);
    // Ten addresses fail against the account: far past its failure limit of 2.
    for (let i = 0; i < 10; i++)
      expect(await authorize({ email, password: `wrong ${i}` }, from(newIp()))).toBeNull();
    // The owner, from an address that has not failed, still gets in: slowed down, not refused.
    const started = Date.now();
    expect(
      await authorize({ email: email.toUpperCase(), password: "correct horse" }, from(newIp())),
    ).toMatchObject({ email });
    expect(Date.now() - started).toBeGreaterThanOrEqual(slowdownMs);
    // One address is refused after its own attempts on the account…
    const attacker = newIp();
    expect(await authorize({ email, password: "wrong" }, from(attacker))).toBeNull();
    expect(await authorize({ email, password: "wrong" }, from(attacker))).toBeNull();
    await expect(authorize({ email, password: "correct horse" }, from(attacker))).rejects.toThrow(
      /^Too many sign-in attempts: try again in \d+ seconds?$/,
    );
    // …and after its attempts across accounts (the refused one counted against the address too).
    expect(await authorize({ email: `other-${tag}@example.test`, password: "x" }, from(attacker))).toBeNull();
    await expect(
      authorize({ email: `third-${tag}@example.test`, password: "x" }, from(attacker)),
    ).rejects.toThrow(/^Too many sign-in attempts/);
  });
});

describe.runIf(REDIS_URL)("rate limits in Redis", () => {
  it("hold across instances: a second process sees the first one's count", async () => {
    const { db } = handle;
    const config = configFor("redis", { LIMIT_RATING_USER: "2/1m" });
    const [instanceA, instanceB] = [client(createLimits(config)), client(createLimits(config))];
    const rater = await makeUser(db);
    const postId = await makePost(db, await makeUser(db));
    const ip = newIp();
    await roomInWindow(60_000);
    expect((await instanceA("rating.submit", { postId, score: 1 }, { userId: rater, ip })).status).toBe(200);
    expect((await instanceA("rating.submit", { postId, score: 2 }, { userId: rater, ip })).status).toBe(200);
    expect((await instanceB("rating.submit", { postId, score: 3 }, { userId: rater, ip })).status).toBe(429);
  });

  it("checks every rule of a request in one round trip", async () => {
    const limits = createLimits(configFor("redis", { LIMIT_RATING_USER: "50/1m", LIMIT_RATING_IP: "50/1m" }));
    const ip = newIp();
    // The first call loads the script (EVALSHA answers NOSCRIPT, then EVAL); later ones only run it.
    await limits.check("rating", { user: 1, ip });
    const before = bridge?.requests() ?? 0;
    expect(await limits.check("rating", { user: 1, ip })).toEqual({ ok: true });
    expect((bridge?.requests() ?? 0) - before).toBe(1);
  });
});

/** A port that refuses connections: one just opened and closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("rate limits with Redis down", () => {
  it("still stores every rating, reports the outage once, and bounds a flood in-process", async () => {
    const { db } = handle;
    const logged: string[] = [];
    const config = configFor(
      "down",
      { LIMIT_RATING_USER: "2/1m", LIMIT_FAILOPEN_RATING: "4/1m" },
      `http://127.0.0.1:${await closedPort()}`,
    );
    const call = client(createLimits(config, { log: (message) => logged.push(message) }));
    const rater = await makeUser(db);
    const author = await makeUser(db);
    const posts = await Promise.all([1, 2, 3, 4, 5].map(() => makePost(db, author)));
    const ip = newIp();
    await roomInWindow(60_000);
    const stored = await countRatings(db);
    // Past the normal 2/min: an outage fails open, up to the fail-open rate.
    for (const postId of posts.slice(0, 4))
      expect((await call("rating.submit", { postId, score: 3 }, { userId: rater, ip })).status).toBe(200);
    expect(await countRatings(db)).toBe(stored + 4);
    const before = await snapshot(db);
    const refused = await call("rating.submit", { postId: posts[4], score: 3 }, { userId: rater, ip });
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).not.toBeNull();
    expect(await snapshot(db)).toBe(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/Redis rate limiter failed/);
  });

  it("treats a Redis that does not answer in time as down", async () => {
    const { db } = handle;
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const logged: string[] = [];
      const config = {
        ...configFor(
          "down",
          { LIMIT_RATING_USER: "2/1m" },
          `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        ),
        redisTimeoutMs: 200,
      };
      const call = client(createLimits(config, { log: (message) => logged.push(message) }));
      const rater = await makeUser(db);
      const postId = await makePost(db, await makeUser(db));
      const res = await call("rating.submit", { postId, score: 4 }, { userId: rater, ip: newIp() });
      expect(res.status).toBe(200);
      expect(res.data).toMatchObject({ myRating: 4 });
      expect(logged[0]).toMatch(/no answer within 200 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it.runIf(REDIS_URL)(
    "stops waiting for a slow Redis: after one timeout, checks stay in-process until the break ends, then Redis is back",
    async () => {
      const { db } = handle;
      if (!bridge) throw bridgeFailure ?? new Error("the Upstash bridge did not start");
      const logged: string[] = [];
      let clock = Date.now();
      const config = {
        ...configFor("redis", { LIMIT_RATING_USER: "100/1h" }),
        redisTimeoutMs: 200,
        redisBreakMs: 30_000,
      };
      const call = client(createLimits(config, { log: (message) => logged.push(message), now: () => clock }));
      const rater = await makeUser(db);
      const author = await makeUser(db);
      const posts = await Promise.all([1, 2, 3, 4, 5, 6].map(() => makePost(db, author)));
      const ip = newIp();
      const rate = async (postId: number | undefined) =>
        (await call("rating.submit", { postId, score: 2 }, { userId: rater, ip })).status;

      bridge.setDelay(2_000);
      try {
        expect(await rate(posts[0])).toBe(200); // waited for the timeout, then counted in-process
        const asked = bridge.requests();
        for (const postId of posts.slice(1, 4)) expect(await rate(postId)).toBe(200);
        // The breaker is open: these three never asked Redis.
        expect(bridge.requests()).toBe(asked);
        expect(logged).toHaveLength(1);
        expect(logged[0]).toMatch(/Redis rate limiter failed.*no answer within 200 ms/);

        bridge.setDelay(0);
        clock += 30_001; // the break is over: the next check probes Redis, which answers now
        expect(await rate(posts[4])).toBe(200);
        expect(bridge.requests()).toBeGreaterThan(asked);
        expect(logged).toHaveLength(2);
        expect(logged[1]).toMatch(/Redis rate limiter is back/);
      } finally {
        bridge.setDelay(0);
      }
    },
  );
});
