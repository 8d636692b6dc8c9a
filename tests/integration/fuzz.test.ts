import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rows, type Db, type DbHandle } from "@/db/client";
import { MAX_BATCH_CALLS } from "@/server/api/batch";
import { MAX_BODY_BYTES } from "@/server/api/http";
import { trpcOverHttp } from "../support/trpc-http";
import type { inferRouterInputs } from "@trpc/server";
import { z } from "zod";
import * as inputs from "@/server/api/inputs";
import type { AppRouter } from "@/server/api/root";
import { createToken, revokeToken } from "@/server/users/tokens";
import { mulberry32 } from "../support/random";
import { openTestDb } from "../support/db";
import { sessionCookie } from "../support/session";
import { makePost, makeUser, snapshot } from "../support/fixtures";

// Hostile and malformed requests against every procedure of the router, over HTTP. The generator
// is seeded: a failure prints the seed and case number, and FUZZ_SEED=<seed> replays the same run.
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_5a7);
const RANDOM_CASES = Number(process.env.FUZZ_CASES ?? 1600);

let handle: DbHandle;
let db: Db;
let handler: (req: NextRequest) => Promise<Response>;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("nothing to pick from");
    return items[this.int(items.length)] as T;
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  "1; select pg_sleep(5) --",
  '" OR ""="',
  "%' OR 1=1 --",
  "\\",
  "%_%",
  "$$; delete from posts; $$",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "{{constructor.constructor('alert(1)')()}}",
  "${7*7}",
  "\uD800",
  "\uDFFF",
  "a\uD800b\uDC00",
  "\u0000",
  "abc\u0000def",
  "\u202Eevil\u202C",
  "\u200F\u202Bmixed\u202C",
  "👨‍👩‍👧‍👦",
  "🏳️‍🌈 flag",
  "e\u0301\u0302\u0303\u0304".repeat(60),
  "Z\u0334\u0321\u0322\u031b\u0356a\u0337l\u0336g\u0337o",
  "\uFEFF",
  "\uFFFF\uFFFE",
  "\u2028\u2029",
  " ",
  "\t\n\r",
  "",
  "__proto__",
  "constructor",
  "NaN",
  "Infinity",
  "-0",
  "1e308",
  "9007199254740993",
  "null",
  "true",
  "[]",
  "{}",
  "ss_" + "A".repeat(43),
  "a@b",
  "x@example.test",
];

const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  1.5,
  0.1,
  1e308,
  -1e308,
  2 ** 53 + 1,
  2 ** 31,
  2_147_483_648,
  Number.MAX_SAFE_INTEGER,
  5e-324,
  6,
  5.0000001,
  -5,
  1e21,
];

const FORWARDED_FOR = [
  "' OR 1=1 --",
  "",
  ",,,",
  "::1",
  "999.999.999.999",
  "a".repeat(5_000),
  "1.2.3.4, 5.6.7.8",
];

function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth: number): unknown {
  let value: unknown = { leaf: "'; drop table users; --" };
  for (let i = 0; i < depth; i++) value = { a: value, b: [i] };
  return value;
}

function hugeString(gen: Gen): string {
  const size = gen.pick([20_001, 70_000, 300_000, 1_048_576, 3_145_728]);
  const unit = gen.pick(["A", "é", "😀", "\uD800", "<script>", "' OR 1=1 --", "\u0000"]);
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Any value, mostly of the wrong type for whatever field it lands in. */
function junk(gen: Gen, depth = 0): unknown {
  switch (gen.int(depth > 1 ? 6 : 10)) {
    case 0:
      return gen.pick([null, true, false, undefined]);
    case 1:
      return gen.pick(HOSTILE_NUMBERS);
    case 2:
    case 3:
      return gen.pick(HOSTILE_STRINGS);
    case 4:
      return gen.chance(0.15) ? hugeString(gen) : gen.pick(HOSTILE_STRINGS).repeat(1 + gen.int(40));
    case 5:
      return String(gen.pick(HOSTILE_NUMBERS));
    case 6:
      return Array.from({ length: gen.int(4) }, () => junk(gen, depth + 1));
    case 7:
      return { [gen.pick(HOSTILE_STRINGS)]: junk(gen, depth + 1), id: junk(gen, depth + 1) };
    case 8:
      return gen.chance(0.5) ? deepArray(200 + gen.int(2_000)) : deepObject(50 + gen.int(400));
    default:
      return Object.fromEntries([
        ["__proto__", { isAdmin: true }],
        ["constructor", { prototype: { polluted: true } }],
      ]);
  }
}

// ---------------------------------------------------------------------------------------------
// The router's procedures. The table must name every procedure of AppRouter and no other (tsc
// checks it against the router's public types), so a procedure added later is fuzzed too.

type Parser = { safeParse(value: unknown): { success: boolean; data?: unknown } };
type Tier = "public" | "protected" | "admin";
type Spec = { type: "query" | "mutation"; parser: z.ZodType | null; tier: Tier };
type Procedure = {
  path: string;
  type: "query" | "mutation";
  parser: Parser | null;
  tier: Tier;
  keys: string[];
};
type RouterInputs = inferRouterInputs<AppRouter>;
type ProcedurePath = {
  [R in keyof RouterInputs & string]: `${R}.${keyof RouterInputs[R] & string}`;
}[keyof RouterInputs & string];

const PROCEDURES = {
  "post.list": { type: "query", parser: inputs.listPostsInput, tier: "public" },
  "post.byId": { type: "query", parser: inputs.postByIdInput, tier: "public" },
  "post.history": { type: "query", parser: inputs.postHistoryInput, tier: "public" },
  "post.breakdown": { type: "query", parser: inputs.postBreakdownInput, tier: "public" },
  "post.create": { type: "mutation", parser: inputs.createPostInput, tier: "protected" },
  "post.update": { type: "mutation", parser: inputs.updatePostInput, tier: "protected" },
  "post.delete": { type: "mutation", parser: inputs.deletePostInput, tier: "protected" },
  "rating.submit": { type: "mutation", parser: inputs.submitRatingInput, tier: "protected" },
  "rating.clear": { type: "mutation", parser: inputs.clearRatingInput, tier: "protected" },
  "user.register": { type: "mutation", parser: inputs.registerInput, tier: "public" },
  "user.profile": { type: "query", parser: inputs.profileInput, tier: "public" },
  "user.setRatingsPublic": { type: "mutation", parser: inputs.ratingsPublicInput, tier: "protected" },
  "token.create": { type: "mutation", parser: inputs.createTokenInput, tier: "protected" },
  "token.list": { type: "query", parser: null, tier: "protected" },
  "token.revoke": { type: "mutation", parser: inputs.revokeTokenInput, tier: "protected" },
  "admin.lockPost": { type: "mutation", parser: inputs.lockPostInput, tier: "admin" },
  "admin.unlockPost": { type: "mutation", parser: inputs.lockPostInput, tier: "admin" },
  "admin.hidePost": { type: "mutation", parser: inputs.lockPostInput, tier: "admin" },
  "admin.unhidePost": { type: "mutation", parser: inputs.lockPostInput, tier: "admin" },
  "admin.heldPosts": { type: "query", parser: null, tier: "admin" },
  // Accounts: mailed links, password reset, settings, deletion.
  "account.me": { type: "query", parser: null, tier: "protected" },
  "account.resendVerification": { type: "mutation", parser: null, tier: "protected" },
  "account.confirmEmail": { type: "mutation", parser: inputs.confirmEmailInput, tier: "public" },
  "account.requestPasswordReset": {
    type: "mutation",
    parser: inputs.requestPasswordResetInput,
    tier: "public",
  },
  "account.resetPassword": { type: "mutation", parser: inputs.resetPasswordInput, tier: "public" },
  "account.changeName": { type: "mutation", parser: inputs.changeNameInput, tier: "protected" },
  "account.changeEmail": { type: "mutation", parser: inputs.changeEmailInput, tier: "protected" },
  "account.changePassword": { type: "mutation", parser: inputs.changePasswordInput, tier: "protected" },
  "account.signOutEverywhere": { type: "mutation", parser: null, tier: "protected" },
  "account.delete": { type: "mutation", parser: inputs.deleteAccountInput, tier: "protected" },
} satisfies Record<ProcedurePath, Spec>;

/** The field names of a zod object schema, through wrappers such as .prefault() and .default(). */
function objectKeys(schema: z.ZodType | null, depth = 0): string[] {
  if (schema === null || depth > 5) return [];
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional)
    return objectKeys(schema.unwrap() as z.ZodType, depth + 1);
  if (schema instanceof z.ZodPipe) return objectKeys(schema.in as z.ZodType, depth + 1);
  return [];
}

function routerProcedures(): Procedure[] {
  return Object.entries(PROCEDURES as Record<ProcedurePath, Spec>).map(([procPath, spec]) => ({
    path: procPath,
    ...spec,
    keys: objectKeys(spec.parser),
  }));
}

// ---------------------------------------------------------------------------------------------
// The world: users, posts and tokens the requests aim at

/** Who a request signs in as; `viaToken` when it does so with an API token (which may not mint tokens). */
type Identity = { userId: number; role: "user" | "admin"; viaToken?: boolean } | null;
type Auth = { label: string; headers: Record<string, string>; identity: Identity };

const world = {
  alice: 0,
  bob: 0,
  admin: 0,
  postId: 0,
  lockedPostId: 0,
  bobTokenId: 0,
  aliceRevokedTokenId: 0,
  aliceTokenId: 0,
  auths: [] as Auth[],
};

/** A new user on an address of its own, so the rate limits the fuzzer ran into do not apply. */
async function freshAuthor(): Promise<Record<string, string>> {
  const userId = await makeUser(db);
  return { cookie: await sessionCookie(String(userId)), "x-forwarded-for": `198.51.100.${userId % 250}` };
}

function adminAuth(): Auth {
  const auth = world.auths.find((a) => a.identity?.role === "admin");
  if (!auth) throw new Error("no admin auth");
  return auth;
}

// Procedures that end every session of the caller's account: they run as a user of their own, so
// the world's identities stay signed in for the cases after them.
const ENDS_SESSIONS = new Set(["account.signOutEverywhere"]);

async function authFor(procPath: string, auth: Auth): Promise<Auth> {
  if (!ENDS_SESSIONS.has(procPath) || auth.identity === null) return auth;
  const userId = await makeUser(db);
  await db.execute(sql`update users set role = ${auth.identity.role} where id = ${userId}`);
  return {
    label: `a new ${auth.identity.role}`,
    headers: { cookie: await sessionCookie(String(userId)) },
    identity: { userId, role: auth.identity.role },
  };
}

async function buildWorld() {
  world.alice = await makeUser(db);
  world.bob = await makeUser(db);
  world.admin = await makeUser(db);
  await db.execute(sql`update users set role = 'admin' where id = ${world.admin}`);
  world.postId = await makePost(db, world.bob, "Fuzz target", "A post the fuzzer aims at.");
  world.lockedPostId = await makePost(db, world.bob, "Locked target", "A locked post.");
  await db.execute(
    sql`update posts set locked_at = now(), locked_by = ${world.admin} where id = ${world.lockedPostId}`,
  );
  const aliceToken = await createToken(db, world.alice, "fuzz");
  world.aliceTokenId = aliceToken.id;
  const revoked = await createToken(db, world.alice, "revoked");
  await revokeToken(db, world.alice, revoked.id);
  world.aliceRevokedTokenId = revoked.id;
  world.bobTokenId = (await createToken(db, world.bob, "bob's")).id;

  const alice: Identity = { userId: world.alice, role: "user" };
  const admin: Identity = { userId: world.admin, role: "admin" };
  const aliceCookie = await sessionCookie(String(world.alice));
  const otherSecret = await sessionCookie(
    String(world.admin),
    "an-attacker-secret-that-is-not-the-server-one",
  );
  const [header, payload] = [
    Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url"),
    Buffer.from(JSON.stringify({ sub: String(world.admin), role: "admin" })).toString("base64url"),
  ];
  world.auths = [
    { label: "none", headers: {}, identity: null },
    {
      label: "garbage cookie",
      headers: { cookie: "next-auth.session-token=garbage; other=1" },
      identity: null,
    },
    {
      label: "huge cookie",
      headers: { cookie: `next-auth.session-token=${"x".repeat(8_000)}` },
      identity: null,
    },
    {
      label: "chunked garbage cookie",
      headers: { cookie: "next-auth.session-token.0=abc; next-auth.session-token.1=def" },
      identity: null,
    },
    { label: "JWT from another secret", headers: { cookie: otherSecret }, identity: null },
    {
      label: "unsigned alg:none JWT",
      headers: { cookie: `next-auth.session-token=${header}.${payload}.` },
      identity: null,
    },
    {
      label: "secure-prefixed forged cookie",
      headers: { cookie: `__Secure-next-auth.session-token=${header}.${payload}.` },
      identity: null,
    },
    { label: "Bearer garbage", headers: { authorization: "Bearer garbage" }, identity: null },
    { label: "Bearer forged ss_", headers: { authorization: `Bearer ss_${"A".repeat(43)}` }, identity: null },
    { label: "Bearer huge", headers: { authorization: `Bearer ss_${"A".repeat(100_000)}` }, identity: null },
    { label: "Bearer SQL", headers: { authorization: "Bearer ss_' OR '1'='1" }, identity: null },
    { label: "Bearer revoked", headers: { authorization: `Bearer ${revoked.token}` }, identity: null },
    { label: "Basic", headers: { authorization: "Basic YWRtaW46YWRtaW4=" }, identity: null },
    {
      label: "Bearer garbage beside a valid cookie",
      headers: { authorization: "Bearer nope", cookie: aliceCookie },
      identity: null,
    },
    { label: "alice cookie", headers: { cookie: aliceCookie }, identity: alice },
    {
      label: "alice Bearer",
      headers: { authorization: `Bearer ${aliceToken.token}` },
      identity: { ...alice, viaToken: true },
    },
    { label: "admin cookie", headers: { cookie: await sessionCookie(String(world.admin)) }, identity: admin },
  ];
}

/** Everything a rejected request must leave untouched, beyond snapshot(): tokens, locks, roles and text. */
async function fullSnapshot(): Promise<string> {
  // api_tokens.last_used_at is left out: a valid token's use is recorded while authenticating,
  // before the call itself can be rejected.
  const [row] = await rows<{ s: string }>(
    db,
    sql`select concat_ws('|',
          (select md5(coalesce(string_agg(concat_ws(',', id, email, name, role, password_hash), ';' order by id), '')) from users),
          (select md5(coalesce(string_agg(concat_ws(',', id, author_id, title, content, locked_at, locked_by, rating_count, rating_sum, score), ';' order by id), '')) from posts),
          (select md5(coalesce(string_agg(concat_ws(',', id, user_id, name, token_hash, revoked_at), ';' order by id), '')) from api_tokens),
          (select count(*) from rating_windows), (select count(*) from correction_reports)) as s`,
  );
  return `${await snapshot(db)}#${row?.s ?? ""}`;
}

// ---------------------------------------------------------------------------------------------
// What each request must answer

type Outcome = { statuses: number[]; mayWrite: boolean };
const ANY_OUTCOME: Outcome = { statuses: [200, 400, 401, 403, 404, 409, 413, 415, 429], mayWrite: true };

async function one<T>(query: ReturnType<typeof sql>): Promise<T | undefined> {
  return (await rows<T>(db, query))[0];
}

/** The answer to a well-formed call with valid input, from the database as it is now. */
async function semantics(procPath: string, input: unknown, identity: Identity): Promise<Outcome> {
  const fields = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const postId = Number(fields.id ?? fields.postId);
  const stored = await one<{ locked: boolean; deleted: boolean; hidden: boolean; author_id: number }>(
    Number.isSafeInteger(postId)
      ? sql`select locked_at is not null as locked, deleted_at is not null as deleted, hidden_at is not null as hidden, author_id
        from posts where id = ${postId}`
      : sql`select 1 where false`,
  );
  // A deleted post is gone for everyone; a hidden one for everyone but moderators.
  const post = async () =>
    stored && !stored.deleted && (!stored.hidden || identity?.role === "admin") ? stored : undefined;
  const ratable = stored && !stored.deleted && !stored.hidden ? stored : undefined;
  switch (procPath) {
    case "post.list":
      return { statuses: [200, 400], mayWrite: false };
    case "post.byId":
      return { statuses: [(await post()) ? 200 : 404], mayWrite: false };
    case "post.history":
    case "post.breakdown":
      // Counts only (no title or content): kept for a hidden post so moderators see its chart.
      return { statuses: [stored && !stored.deleted ? 200 : 404], mayWrite: false };
    case "token.list":
    case "admin.heldPosts":
      return { statuses: [200], mayWrite: false };
    case "post.create":
      return { statuses: [200], mayWrite: true };
    case "user.register":
      return { statuses: [200, 409], mayWrite: true };
    case "token.create":
      // 409: a name the caller already gave an active token.
      return { statuses: identity?.viaToken ? [403] : [200, 400, 409], mayWrite: !identity?.viaToken };
    case "rating.submit":
    case "rating.clear":
      return { statuses: [!ratable ? 404 : ratable.locked ? 403 : 200], mayWrite: true };
    case "post.update":
    case "post.delete": {
      const own = stored && !stored.deleted ? stored : undefined;
      return { statuses: [!own ? 404 : own.author_id === identity?.userId ? 200 : 403], mayWrite: true };
    }
    case "admin.hidePost":
    case "admin.unhidePost":
      return { statuses: [stored && !stored.deleted ? 200 : 404], mayWrite: true };
    case "user.profile":
      return { statuses: [200, 404], mayWrite: false };
    case "user.setRatingsPublic":
      return { statuses: [200], mayWrite: true };
    case "token.revoke": {
      const own = await one<{ id: number }>(
        sql`select id from api_tokens where id = ${Number(fields.id)} and user_id = ${identity?.userId ?? 0} and revoked_at is null`,
      );
      return { statuses: [own ? 200 : 404], mayWrite: true };
    }
    case "admin.lockPost":
    case "admin.unlockPost":
      return { statuses: [(await post()) ? 200 : 404], mayWrite: true };
    case "account.signOutEverywhere":
      return { statuses: [200], mayWrite: true };
    default:
      return ANY_OUTCOME;
  }
}

/** How the server receives the input: JSON drops undefined, turns NaN into null, -0 into 0. */
type Received = { kind: "value"; value: unknown } | { kind: "unparseable" } | { kind: "absent" };

async function expectedFor(
  proc: Procedure | undefined,
  method: string,
  received: Received,
  identity: Identity,
): Promise<Outcome> {
  if (!proc) return { statuses: [404], mayWrite: false };
  if ((proc.type === "query" ? "GET" : "POST") !== method) return { statuses: [405], mayWrite: false };
  if (proc.tier !== "public" && identity === null) return { statuses: [401], mayWrite: false };
  if (proc.tier === "admin" && identity?.role !== "admin") return { statuses: [403], mayWrite: false };
  if (!proc.parser) return semantics(proc.path, undefined, identity);
  if (received.kind === "unparseable") return { statuses: [400], mayWrite: false };
  const parsed = proc.parser.safeParse(received.kind === "value" ? received.value : undefined);
  if (!parsed.success) return { statuses: [400], mayWrite: false };
  return semantics(proc.path, parsed.data, identity);
}

/** What the server makes of the JSON: a GET's empty ?input= is no input, a POST's is bad JSON. */
function received(json: string | undefined, method = "GET"): Received {
  if (method === "GET" && !json) return { kind: "absent" };
  if (json === undefined) return { kind: "unparseable" };
  try {
    // A POST body is decoded as UTF-8, which drops a byte order mark; ?input= keeps it.
    return { kind: "value", value: JSON.parse(method === "GET" ? json : json.replace(/^\uFEFF/, "")) };
  } catch {
    return { kind: "unparseable" };
  }
}

// ---------------------------------------------------------------------------------------------
// Running a case

type ErrorBody = {
  error?: { message?: unknown; data?: { code?: unknown; httpStatus?: unknown } };
  result?: unknown;
};
type Stats = {
  cases: number;
  tooMany: number;
  byStatus: Map<number, number>;
  byProcedure: Map<string, number>;
};
const stats: Stats = { cases: 0, tooMany: 0, byStatus: new Map(), byProcedure: new Map() };

function short(value: string): string {
  return value.length > 160 ? `${value.slice(0, 160)}… (${value.length} chars)` : value;
}

class FuzzFailure extends Error {}

function check(condition: boolean, label: string, detail: string) {
  if (!condition) {
    throw new FuzzFailure(`FUZZ_SEED=${SEED} case ${stats.cases} (${short(label)}): ${detail}`);
  }
}

async function readJson(res: Response, label: string): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    check(false, label, `status ${res.status} with a body that is not JSON: ${short(text)}`);
    return undefined;
  }
}

/**
 * Node's HTTP parser refuses a request line and headers over its 16 KB limit with a 431 before any
 * route runs (a GET batch of many long inputs, a huge token): no JSON, nothing written. True when
 * that is the answer, checked.
 */
async function refusedByNodeParser(req: NextRequest, res: Response, label: string, before: string) {
  if (res.status !== 431) return false;
  let size = req.url.length;
  req.headers.forEach((value, name) => (size += name.length + value.length));
  check(size > 16 * 1024, label, `431 for a request line and headers of ${size} characters`);
  check((await fullSnapshot()) === before, label, "431 but the database changed");
  return true;
}

/**
 * Sends one request and checks it: never 5xx, one of the expected statuses (429 is always allowed:
 * a rate limit may come first), a JSON body whose error names the same status, and, unless a
 * write was expected and happened, the database as it was.
 */
async function run(label: string, req: NextRequest, outcome: Outcome, procPath?: string) {
  stats.cases += 1;
  if (procPath) stats.byProcedure.set(procPath, (stats.byProcedure.get(procPath) ?? 0) + 1);
  const before = await fullSnapshot();
  const res = await handler(req);
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  if (await refusedByNodeParser(req, res, label, before)) return;
  const body = (await readJson(res, label)) as ErrorBody;
  check(res.status < 500, label, `server error ${res.status}: ${short(JSON.stringify(body))}`);
  if (res.status === 429) stats.tooMany += 1;
  else
    check(
      outcome.statuses.includes(res.status),
      label,
      `status ${res.status}, expected one of ${outcome.statuses.join("/")}: ${short(JSON.stringify(body))}`,
    );
  if (res.status >= 400) {
    check(
      body?.error?.data?.httpStatus === res.status,
      label,
      `error body does not carry status ${res.status}: ${short(JSON.stringify(body))}`,
    );
    check(typeof body.error?.message === "string", label, "error without a message");
  }
  const wrote = res.status < 300 && outcome.mayWrite;
  if (!wrote)
    check((await fullSnapshot()) === before, label, `status ${res.status} but the database changed`);
}

/** A batch: each item is checked against its own expectation; the status is theirs, or 207 when they differ. */
async function runBatch(label: string, req: NextRequest, outcomes: Outcome[]) {
  stats.cases += 1;
  const before = await fullSnapshot();
  const res = await handler(req);
  stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
  if (await refusedByNodeParser(req, res, label, before)) return;
  const body = await readJson(res, label);
  check(res.status < 500, label, `server error ${res.status}: ${short(JSON.stringify(body))}`);
  check(
    Array.isArray(body) && body.length === outcomes.length,
    label,
    `not one answer per call: ${short(JSON.stringify(body))}`,
  );
  const items = body as ErrorBody[];
  const statuses = items.map((item) => (item.error ? Number(item.error.data?.httpStatus) : 200));
  statuses.forEach((status, i) => {
    check(status < 500, label, `call ${i} answered ${status}`);
    const allowed = outcomes[i]?.statuses ?? [];
    check(
      status === 429 || allowed.includes(status),
      label,
      `call ${i} answered ${status}, expected ${allowed.join("/")}`,
    );
  });
  check(
    res.status === (new Set(statuses).size === 1 ? statuses[0] : 207),
    label,
    `batch status ${res.status} for calls ${statuses.join(",")}`,
  );
  check(
    (await fullSnapshot()) === before,
    label,
    "a batch of rejected or read-only calls changed the database",
  );
}

// ---------------------------------------------------------------------------------------------
// Building requests

const BASE = "http://localhost/api/trpc";

function request(
  procPath: string,
  method: string,
  opts: {
    json?: string;
    body?: BodyInit;
    headers?: Record<string, string>;
    contentType?: string | null;
    query?: string;
  } = {},
): NextRequest {
  const url = new URL(`${BASE}/${procPath}`);
  if (method === "GET" && opts.json !== undefined) url.searchParams.set("input", opts.json);
  if (opts.query) url.search += (url.search ? "&" : "") + opts.query;
  const headers = new Headers(opts.headers);
  const contentType = opts.contentType === undefined ? "application/json" : opts.contentType;
  if (contentType !== null) headers.set("content-type", contentType);
  const hasBody = method !== "GET" && method !== "HEAD";
  return new NextRequest(url, {
    method,
    headers,
    body: hasBody ? (opts.body ?? opts.json ?? null) : undefined,
  });
}

function validValue(gen: Gen, key: string, counter: number, procPath: string): unknown {
  switch (key) {
    case "id":
    case "postId": {
      const ids = [
        world.postId,
        world.lockedPostId,
        world.bobTokenId,
        world.aliceRevokedTokenId,
        2_147_483_647,
      ];
      // Never alice's Bearer token: revoking it would change who the later cases are.
      return gen.pick(procPath.startsWith("token.") ? ids.filter((id) => id !== world.aliceTokenId) : ids);
    }
    case "score":
      return gen.int(6);
    case "email":
      return gen.chance(0.7)
        ? `fuzz-${SEED}-${counter}@example.test`
        : `FUZZ-${SEED}-${counter}@Example.test `;
    case "password":
      return "a long enough password";
    case "limit":
      return gen.pick([1, 20, 50]);
    case "sort":
      return gen.pick(["newest", "top", "most_rated"]);
    case "hours":
      return gen.pick([1, 24, 168]);
    case "cursor":
      return gen.chance(0.5) ? null : gen.pick(HOSTILE_STRINGS);
    default:
      return gen.pick(HOSTILE_STRINGS.filter((s) => s.trim() && !s.includes("\u0000")));
  }
}

/** An input for a procedure: mostly its own fields, each either plausible or junk. */
function inputFor(gen: Gen, proc: Procedure, counter: number): unknown {
  if (proc.keys.length === 0 || gen.chance(0.15)) return junk(gen);
  const input: Record<string, unknown> = {};
  for (const key of proc.keys) {
    if (gen.chance(0.1)) continue;
    input[key] = gen.chance(0.55) ? validValue(gen, key, counter, proc.path) : junk(gen);
  }
  if (gen.chance(0.1))
    input[gen.pick(["extra", "userId", "role", "authorId"])] = gen.pick([world.admin, "admin", true]);
  return input;
}

/** JSON text, sometimes made malformed or given numbers that JSON.stringify cannot write. */
function toJson(gen: Gen, input: unknown): string | undefined {
  const json = JSON.stringify(input);
  if (json === undefined || !gen.chance(0.12)) return json;
  switch (gen.int(7)) {
    case 0:
      return json.slice(0, Math.max(0, json.length - 1 - gen.int(3)));
    case 1:
      return `${json},`;
    case 2:
      return json.replace(/:(\d+)/, ":1e400");
    case 3:
      return json.replace(/:(\d+)/, ":-0.0e0");
    case 4:
      return `\uFEFF${json}`;
    case 5:
      return gen.pick([
        "",
        "{not json",
        "undefined",
        "NaN",
        "{'a':1}",
        "[",
        '{"a":"\\uD800"}',
        '{"id":0x10}',
        '{"id":01}',
      ]);
    default:
      return `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
  }
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  handle = await openTestDb();
  db = handle.db;
  handler = trpcOverHttp(async () => db);
  await buildWorld();
});

afterAll(async () => {
  await handle?.close();
});

describe("fuzzing every procedure over HTTP", () => {
  const procedures = routerProcedures();

  it("covers the router as it is now", () => {
    expect(procedures.map((p) => p.path)).toEqual(
      expect.arrayContaining(["post.list", "rating.submit", "token.revoke", "admin.lockPost"]),
    );
  });

  it(
    `answers ${RANDOM_CASES} generated hostile requests with the right 4xx and writes nothing when it rejects`,
    { timeout: 120_000 },
    async () => {
      const gen = new Gen(SEED);
      const byPath = new Map(procedures.map((p) => [p.path, p]));
      for (let i = 0; i < RANDOM_CASES; i++) {
        const proc = procedures[i % procedures.length]!;
        const auth = await authFor(
          proc.path,
          gen.chance(0.5) ? gen.pick(world.auths.filter((a) => a.identity)) : gen.pick(world.auths),
        );
        const rightMethod = proc.type === "query" ? "GET" : "POST";
        const method = gen.chance(0.1) ? (rightMethod === "GET" ? "POST" : "GET") : rightMethod;
        const json = toJson(gen, inputFor(gen, proc, i));
        const headers = gen.chance(0.1)
          ? { ...auth.headers, "x-forwarded-for": gen.pick(FORWARDED_FOR) }
          : auth.headers;
        const label = `${method} ${proc.path} as ${auth.label} with ${json ?? "no input"}`;
        if (method === "POST" && new TextEncoder().encode(json ?? "").byteLength > MAX_BODY_BYTES) {
          await run(
            label,
            request(proc.path, method, { json, headers }),
            { statuses: [413], mayWrite: false },
            proc.path,
          );
          continue;
        }
        const expected = await expectedFor(
          byPath.get(proc.path),
          method,
          received(json, method),
          auth.identity,
        );
        await run(label, request(proc.path, method, { json, headers }), expected, proc.path);
      }
      for (const proc of procedures)
        expect(stats.byProcedure.get(proc.path) ?? 0, proc.path).toBeGreaterThanOrEqual(50);
      // A rate limit may answer some calls first, but must not hide the validation from the fuzzer.
      expect(stats.tooMany).toBeLessThan(stats.cases / 5);
    },
  );

  it("rejects every protected procedure without valid auth, and admin ones for a normal user", async () => {
    for (const proc of procedures) {
      const method = proc.type === "query" ? "GET" : "POST";
      const input = Object.fromEntries(
        proc.keys.map((key) => [key, key === "id" || key === "postId" ? world.postId : "x"]),
      );
      for (const auth of world.auths) {
        const expected =
          proc.tier === "public"
            ? null
            : auth.identity === null
              ? 401
              : proc.tier === "admin" && auth.identity.role !== "admin"
                ? 403
                : null;
        if (expected === null) continue;
        await run(
          `${proc.path} as ${auth.label}`,
          request(proc.path, method, { json: JSON.stringify(input), headers: auth.headers }),
          { statuses: [expected], mayWrite: false },
          proc.path,
        );
      }
    }
  });

  // Over HTTP, with a database snapshot around each of its ~170 requests: more than the default 30 s on a loaded machine.
  it("answers batches call by call, and malformed batches with a 4xx", { timeout: 120_000 }, async () => {
    const gen = new Gen(SEED ^ 0xba7c4);
    const queries = procedures.filter((p) => p.type === "query");
    const mutations = procedures.filter((p) => p.type === "mutation");
    for (let i = 0; i < 120; i++) {
      const useQueries = i % 2 === 0;
      const pool = useQueries ? queries : mutations;
      const auth = gen.pick(world.auths);
      const calls: { path: string; input: unknown; outcome: Outcome }[] = [];
      const size = 1 + gen.int(i % 10 === 0 ? 60 : 5);
      while (calls.length < size) {
        const proc = gen.chance(0.1) ? undefined : gen.pick(pool);
        const callPath =
          proc?.path ?? gen.pick(["post.nope", "__proto__", "constructor", "post.list.x", "toString"]);
        const input = proc ? inputFor(gen, proc, 10_000 + i * 100 + calls.length) : junk(gen);
        const json = JSON.stringify(input);
        const outcome = await expectedFor(
          proc,
          useQueries ? "GET" : "POST",
          json === undefined ? { kind: "absent" } : received(json, "GET"),
          auth.identity,
        );
        // A batch runs its calls concurrently, so only calls that cannot write keep it predictable.
        if (outcome.mayWrite && !outcome.statuses.every((s) => s >= 400)) continue;
        calls.push({ path: callPath, input, outcome });
      }
      const payload = JSON.stringify(Object.fromEntries(calls.map((c, index) => [index, c.input])));
      const paths = calls.map((c) => c.path).join(",");
      const label = `batch ${useQueries ? "GET" : "POST"} ${paths} as ${auth.label}`;
      // Over the cap, the whole batch is refused before any call runs (server/api/batch.ts).
      if (calls.length > MAX_BATCH_CALLS) {
        const method = useQueries ? "GET" : "POST";
        await run(label, request(paths, method, { json: payload, headers: auth.headers, query: "batch=1" }), {
          statuses: [400],
          mayWrite: false,
        });
        continue;
      }
      if (!useQueries && new TextEncoder().encode(payload).byteLength > MAX_BODY_BYTES) {
        await run(label, request(paths, "POST", { json: payload, headers: auth.headers, query: "batch=1" }), {
          statuses: [413],
          mayWrite: false,
        });
        continue;
      }
      const req = request(paths, useQueries ? "GET" : "POST", {
        json: payload,
        headers: auth.headers,
        query: "batch=1",
      });
      await runBatch(
        label,
        req,
        calls.map((c) => c.outcome),
      );
    }

    const reject4xx: Outcome = { statuses: [400, 404, 405, 415], mayWrite: false };
    const admin = adminAuth().headers;
    const malformed: [string, NextRequest][] = [
      [
        "mixed query and mutation",
        request("post.list,post.create", "POST", { json: "{}", query: "batch=1", headers: admin }),
      ],
      [
        "batch input not an object",
        request("rating.submit,rating.submit", "POST", { json: "[1,2]", query: "batch=1", headers: admin }),
      ],
      ["batch input a string", request("post.byId,post.byId", "GET", { json: '"x"', query: "batch=1" })],
      ["batch bad JSON", request("rating.submit", "POST", { json: "{0:", query: "batch=1", headers: admin })],
      ["batch of unknown procedures", request("a.b,c.d", "GET", { json: "{}", query: "batch=1" })],
      ["batch flag garbage", request("post.list", "GET", { json: "{}", query: "batch=yes" })],
      ["empty path", request("", "GET", { json: "{}", query: "batch=1" })],
    ];
    for (const [label, req] of malformed) {
      stats.cases += 1;
      const before = await fullSnapshot();
      const res = await handler(req);
      await res.text();
      check(res.status < 500, label, `server error ${res.status}`);
      check(
        res.status === 200 || res.status === 207 || reject4xx.statuses.includes(res.status),
        label,
        `status ${res.status}`,
      );
      check((await fullSnapshot()) === before, label, "database changed");
    }
  });

  it("answers 404 for unknown procedures, 405 for a wrong method and 415 for a foreign content type", async () => {
    for (const bogus of [
      "post.nope",
      "__proto__",
      "constructor",
      "post.__proto__",
      "post.list.x",
      "post",
      "..%2F..%2Fetc%2Fpasswd",
      "%00",
      "admin",
      "_def.procedures",
    ]) {
      await run(`GET ${bogus}`, request(bogus, "GET", { json: "{}" }), { statuses: [404], mayWrite: false });
      await run(`POST ${bogus}`, request(bogus, "POST", { json: "{}" }), {
        statuses: [404],
        mayWrite: false,
      });
    }
    for (const proc of procedures) {
      // A new admin per request for a procedure that ends the caller's sessions (see authFor).
      const admin = async () => (await authFor(proc.path, adminAuth())).headers;
      const wrong = proc.type === "query" ? "POST" : "GET";
      await run(
        `${wrong} ${proc.path}`,
        request(proc.path, wrong, { json: "{}", headers: await admin() }),
        { statuses: [405], mayWrite: false },
        proc.path,
      );
      for (const method of ["PUT", "DELETE", "PATCH"]) {
        // Methods the route does not serve are answered by the mount itself, as Next answered the
        // app route's unexported methods: 405 with no body, nothing run.
        stats.cases += 1;
        const headers = await admin();
        const before = await fullSnapshot();
        const res = await handler(request(proc.path, method, { json: "{}", headers }));
        check(res.status === 405, `${method} ${proc.path}`, `status ${res.status}, expected 405`);
        check((await res.text()) === "", `${method} ${proc.path}`, "405 with a body");
        check((await fullSnapshot()) === before, `${method} ${proc.path}`, "the database changed");
      }
      for (const contentType of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "text/html",
        null,
      ]) {
        const req = request(proc.path, "POST", {
          body: new TextEncoder().encode('{"postId":1}'),
          contentType,
          headers: await admin(),
        });
        await run(
          `POST ${proc.path} as ${contentType}`,
          req,
          { statuses: [415], mayWrite: false },
          proc.path,
        );
      }
      // Form data and raw bytes reach the procedure as a FormData object or a stream, which no
      // input schema accepts (procedures without input ignore it, but those are all queries).
      const form = new FormData();
      form.set("postId", String(world.postId));
      form.set("score", "5");
      form.set("title", "<script>alert(1)</script>");
      const formOutcome = await expectedFor(
        proc,
        "POST",
        { kind: "value", value: form },
        adminAuth().identity,
      );
      await run(
        `multipart ${proc.path}`,
        request(proc.path, "POST", { body: form, contentType: null, headers: await admin() }),
        formOutcome,
        proc.path,
      );
      const bytes = request(proc.path, "POST", {
        body: new Uint8Array([0xff, 0xfe, 0x00, 0x7b]),
        contentType: "application/octet-stream",
        headers: await admin(),
      });
      const streamOutcome = await expectedFor(
        proc,
        "POST",
        { kind: "value", value: new ReadableStream() },
        adminAuth().identity,
      );
      await run(`octet-stream ${proc.path}`, bytes, streamOutcome, proc.path);
      if (proc.type === "mutation") {
        const charset = request(proc.path, "POST", {
          json: "{}",
          contentType: "Application/JSON; charset=utf-16",
          headers: await admin(),
        });
        await run(
          `JSON with odd charset ${proc.path}`,
          charset,
          await expectedFor(proc, "POST", { kind: "value", value: {} }, adminAuth().identity),
          proc.path,
        );
        const invalidUtf8 = request(proc.path, "POST", {
          body: new Uint8Array([0x7b, 0x22, 0xff, 0xc0, 0x22, 0x3a, 0x31, 0x7d]),
          headers: await admin(),
        });
        await run(
          `invalid UTF-8 ${proc.path}`,
          invalidUtf8,
          await expectedFor(
            proc,
            "POST",
            { kind: "value", value: { "\uFFFD\uFFFD": 1 } },
            adminAuth().identity,
          ),
          proc.path,
        );
      }
    }
  });

  it("answers 413 for oversized bodies before reading them, declared or streamed without Content-Length", async () => {
    const big = JSON.stringify({ title: "t", content: "A".repeat(MAX_BODY_BYTES) });
    const admin = adminAuth().headers;
    const tooLarge: Outcome = { statuses: [413], mayWrite: false };
    for (const proc of [...procedures.map((p) => p.path), "post.nope"]) {
      await run(`oversized ${proc}`, request(proc, "POST", { json: big, headers: admin }), tooLarge, proc);
    }
    // Declared too large: refused on the header alone, whatever follows.
    await run(
      "declared 10 MB",
      request("post.create", "POST", {
        json: "{}",
        headers: { ...admin, "content-length": String(10 * 1024 * 1024) },
      }),
      tooLarge,
    );
    // Streamed with no Content-Length, and with one that understates the body.
    const streamed = (headers: Record<string, string>) => {
      const chunk = new TextEncoder().encode("A".repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent === 0) controller.enqueue(new TextEncoder().encode('{"title":"t","content":"'));
          if (sent++ < 64) controller.enqueue(chunk);
          else controller.close();
        },
      });
      return new NextRequest(`${BASE}/post.create`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
        duplex: "half",
      } as ConstructorParameters<typeof NextRequest>[1]);
    };
    await run("streamed 4 MB without Content-Length", streamed(admin), tooLarge);
    // A Content-Length that understates the body cannot happen over HTTP: the parser hands the
    // handler exactly the declared bytes (the rest is a malformed next request). In-process it can
    // be forged; the handler then trusts the declared length, and the body is rejected as bad JSON.
    await run("streamed 4 MB claiming 20 bytes", streamed({ ...admin, "content-length": "20" }), {
      statuses: [400],
      mayWrite: false,
    });
    const res = await handler(request("post.create", "POST", { json: big, headers: admin }));
    expect(await res.json()).toEqual({
      error: {
        message: `request body is larger than ${MAX_BODY_BYTES} bytes`,
        data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
      },
    });
  });

  it("accepts the largest valid post even with every character escaped as \\uXXXX", async () => {
    const admin = await freshAuthor();
    const escaped = (n: number) => "\\u00e9".repeat(n);
    const json = `{"title":"${escaped(200)}","content":"${escaped(19_998)}\\ud83d\\ude00"}`;
    expect(new TextEncoder().encode(json).byteLength).toBeGreaterThan(120_000);
    const res = await handler(request("post.create", "POST", { json, headers: admin }));
    expect(res.status).toBe(200);
    const created = (await res.json()) as { result: { data: { id: number } } };
    const [stored] = await rows<{ n: number }>(
      db,
      sql`select char_length(content) as n from posts where id = ${created.result.data.id}`,
    );
    expect(stored?.n).toBe(19_999);
  });

  it("stores script and markup in posts as given and returns the same text", async () => {
    const alice = await freshAuthor();
    const title = `<script>alert(1)</script> "><img src=x onerror=alert(1)> \u202Eevil 👨‍👩‍👧‍👦`;
    const content = `"><img src=x onerror=alert(1)>\n<script>alert(document.cookie)</script>\n' OR 1=1 --; e\u0301`;
    const res = await handler(
      request("post.create", "POST", { json: JSON.stringify({ title, content }), headers: alice }),
    );
    expect(res.status).toBe(200);
    const id = ((await res.json()) as { result: { data: { id: number } } }).result.data.id;
    const read = await handler(request("post.byId", "GET", { json: JSON.stringify({ id }) }));
    const post = ((await read.json()) as { result: { data: { title: string; content: string } } }).result
      .data;
    expect(post.title).toBe(title);
    expect(post.content).toBe(content);
    // Title search is by words, and Postgres's text parser reads `<script>` as a tag, not a word.
    const list = await handler(request("post.list", "GET", { json: JSON.stringify({ q: "alert" }) }));
    const items = ((await list.json()) as { result: { data: { items: { id: number; title: string }[] } } })
      .result.data.items;
    expect(items.find((item) => item.id === id)?.title).toBe(title);
  });

  it("leaves no prototype polluted", () => {
    const probe: Record<string, unknown> = {};
    expect(probe.isAdmin).toBeUndefined();
    expect(probe.polluted).toBeUndefined();
  });

  afterAll(() => {
    const statuses = [...stats.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    console.info(`fuzz seed ${SEED}: ${stats.cases} requests, statuses ${statuses.join(" ")}`);
  });
});

describe("rendering", () => {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

  function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return sourceFiles(full);
      return /\.(tsx?|jsx?|mjs)$/.test(name) ? [full] : [];
    });
  }

  it("never sets HTML from a string: no dangerouslySetInnerHTML or innerHTML anywhere in the app", () => {
    const files = ["app", "components", "server", "db"].flatMap((dir) => sourceFiles(path.join(root, dir)));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files.filter((file) =>
      /dangerouslySetInnerHTML|\.innerHTML\s*=|outerHTML\s*=|insertAdjacentHTML/.test(
        readFileSync(file, "utf8"),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
