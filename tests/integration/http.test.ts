import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { testDbForFile } from "../support/db";
import { sessionCookie } from "../support/session";
import { fold, makePost, makeUser, snapshot } from "../support/fixtures";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const handler = trpcOverHttp(async () => handle.db);

async function call(
  path: string,
  init: { body?: unknown; rawBody?: string; cookie?: string; query?: unknown } = {},
) {
  const isMutation = init.body !== undefined || init.rawBody !== undefined;
  const url = new URL(`http://localhost/api/trpc/${path}`);
  if (init.query !== undefined) url.searchParams.set("input", JSON.stringify(init.query));
  const req = new NextRequest(url, {
    method: isMutation ? "POST" : "GET",
    headers: { "content-type": "application/json", ...(init.cookie ? { cookie: init.cookie } : {}) },
    body: isMutation ? (init.rawBody ?? JSON.stringify(init.body)) : undefined,
  });
  const res = await handler(req);
  const json = (await res.json()) as {
    result?: { data: unknown };
    error?: { message: string; data: { code: string; httpStatus: number } };
  };
  return { status: res.status, json };
}

describe("tRPC over HTTP", () => {
  it("rates with a session cookie and reads the rating back", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const rater = await makeUser(db);
    const postId = await makePost(db, author);
    const cookie = await sessionCookie(rater);
    const rated = await call("rating.submit", { body: { postId, score: 4 }, cookie });
    expect(rated.status).toBe(200);
    expect(rated.json.result?.data).toMatchObject({ myRating: 4, ratingCount: 1 });
    await fold(db);
    const read = await call("post.byId", { query: { id: postId }, cookie });
    expect(read.json.result?.data).toMatchObject({ myRating: 4, ratingCount: 1, score: 4 });
    const anonymous = await call("post.byId", { query: { id: postId } });
    expect(anonymous.json.result?.data).toMatchObject({ myRating: null, ratingCount: 1 });
  });

  it.each([
    ["score -1", { score: -1 }, 400, "score"],
    ["score 6", { score: 6 }, 400, "score"],
    ["score 3.5", { score: 3.5 }, 400, "score"],
    ["score abc", { score: "abc" }, 400, "score"],
    ["score null", { score: null }, 400, "score"],
    ["no score", { score: undefined }, 400, "score"],
    ["unknown post", { postId: 2_000_000_000 }, 404, "postId"],
  ])("rating.submit with %s → %i naming %s, nothing written", async (_name, override, status, field) => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const cookie = await sessionCookie(await makeUser(db));
    const before = await snapshot(db);
    const res = await call("rating.submit", { body: { postId, score: 3, ...override }, cookie });
    expect(res.status).toBe(status);
    expect(res.json.error?.message).toMatch(new RegExp(`^${field}:`));
    expect(await snapshot(db)).toBe(before);
  });

  it("answers 401 without a session, and for a forged cookie", async () => {
    const { db } = handle;
    const postId = await makePost(db, await makeUser(db));
    const before = await snapshot(db);
    expect((await call("rating.submit", { body: { postId, score: 3 } })).status).toBe(401);
    const forged = await call("rating.submit", {
      body: { postId, score: 3 },
      cookie: "next-auth.session-token=eyJhbGciOiJub25lIn0.e30.",
    });
    expect(forged.status).toBe(401);
    expect(await snapshot(db)).toBe(before);
  });

  it("answers 400 for malformed JSON, 404 for an unknown procedure, 409 for a duplicate email", async () => {
    expect((await call("user.register", { rawBody: "{not json" })).status).toBe(400);
    expect((await call("post.nope", { query: {} })).status).toBe(404);
    const body = { email: "http-dup@example.test", name: "Dup", password: "password1" };
    expect((await call("user.register", { body })).status).toBe(200);
    const dup = await call("user.register", { body });
    expect(dup.status).toBe(409);
    expect(dup.json.error?.message).toMatch(/^email:/);
  });

  it("answers 401, not 500, to a valid session of an account that no longer exists", async () => {
    const { db } = handle;
    const postId = await makePost(db, await makeUser(db));
    const cookie = await sessionCookie(1_999_999_999);
    const before = await snapshot(db);
    for (const [path, body] of [
      ["rating.submit", { postId, score: 3 }],
      ["post.create", { title: "t", content: "c" }],
      ["token.create", { name: "n" }],
    ] as const) {
      const res = await call(path, { body, cookie });
      expect(res.status).toBe(401);
      expect(res.json.error?.message).toBe("your account no longer exists: sign in again");
    }
    expect(await snapshot(db)).toBe(before);
  });

  it("answers 400 naming cursor for a non-numeric cursor", async () => {
    const res = await call("post.list", { query: { cursor: "abc" } });
    expect(res.status).toBe(400);
    expect(res.json.error?.message).toMatch(/^cursor:/);
  });
});
