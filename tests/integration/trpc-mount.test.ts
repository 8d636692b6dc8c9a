// The pages-router mount of /api/trpc over HTTP: what it re-implements around tRPC's adapter (the
// body bound with its own 413, the methods the app route answered) and its lean path for single
// calls, which must answer exactly as the adapter does, error for error.
import { describe, expect, it } from "vitest";
import { MAX_BATCH_CALLS } from "@/server/api/batch";
import { MAX_BODY_BYTES } from "@/server/api/http";
import { MAX_COOKIES } from "@/server/cookie-limit";
import { createLimits, limitsConfigFromEnv } from "@/server/limits";
import { testDbForFile } from "../support/db";
import { makePost, makeUser } from "../support/fixtures";
import { sessionCookie } from "../support/session";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const BASE = "http://localhost/api/trpc";

const TOO_LARGE = {
  error: {
    message: `request body is larger than ${MAX_BODY_BYTES} bytes`,
    data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
  },
};

describe("the body bound", () => {
  const handler = trpcOverHttp(async () => handle.db);

  it("answers 413 with the endpoint's own body for a body past the bound but under Next's 1 MB parser limit", async () => {
    const size = MAX_BODY_BYTES + 1;
    const json = JSON.stringify({ title: "t", content: "A".repeat(size) });
    expect(json.length).toBeLessThan(1024 * 1024);
    const res = await handler(
      new Request(`${BASE}/post.create`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: json,
      }),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual(TOO_LARGE);
  });

  it("passes a body at the bound to tRPC (which reads it: an anonymous create is a 401, not a 413)", async () => {
    const prefix = '{"title":"t","content":"';
    const json = `${prefix}${"A".repeat(MAX_BODY_BYTES - prefix.length - 2)}"}`;
    expect(Buffer.byteLength(json)).toBe(MAX_BODY_BYTES);
    const res = await handler(
      new Request(`${BASE}/post.create`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: json,
      }),
    );
    expect(res.status).toBe(401);
  });
});

describe("refusals the proxy makes elsewhere (the proxy does not run for /api/trpc)", () => {
  const handler = trpcOverHttp(async () => handle.db);
  const cookies = (count: number) => Array.from({ length: count }, (_, i) => `c${i}=v`).join("; ");

  it("answers 431 for a Cookie header of more than MAX_COOKIES cookies, on the lean path and the adapter's", async () => {
    for (const request of [
      () => new Request(`${BASE}/post.list`, { headers: { cookie: cookies(MAX_COOKIES + 1) } }),
      () => new Request(`${BASE}/post.list,post.list?batch=1`, { headers: { cookie: cookies(1_500) } }),
      () =>
        new Request(`${BASE}/rating.submit`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie: cookies(200) },
          body: "{}",
        }),
    ]) {
      const res = await handler(request());
      expect(res.status).toBe(431);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(((await res.json()) as { error: string }).error).toMatch(
        new RegExp(`^the Cookie header holds \\d+ cookies; at most ${MAX_COOKIES} are accepted`),
      );
    }
    expect(
      (await handler(new Request(`${BASE}/post.list`, { headers: { cookie: cookies(MAX_COOKIES) } }))).status,
    ).toBe(200);
  });

  it("answers 400 for a batch of more than MAX_BATCH_CALLS calls", async () => {
    const path = Array.from({ length: MAX_BATCH_CALLS + 1 }, () => "post.list").join(",");
    const res = await handler(new Request(`${BASE}/${path}?batch=1`));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain(`at most ${MAX_BATCH_CALLS} calls`);
  });
});

describe("methods", () => {
  const handler = trpcOverHttp(async () => handle.db);

  it("answers OPTIONS 204 with Allow, and PUT, PATCH and DELETE 405, as the app route did", async () => {
    const options = await handler(new Request(`${BASE}/post.list`, { method: "OPTIONS" }));
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await handler(new Request(`${BASE}/post.list`, { method, body: "{}" }));
      expect(res.status, method).toBe(405);
      expect(await res.text(), method).toBe("");
    }
  });

  it("answers a query sent by POST and a mutation sent by GET with tRPC's 405", async () => {
    const post = await handler(
      new Request(`${BASE}/post.list`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    );
    expect(post.status).toBe(405);
    const get = await handler(new Request(`${BASE}/rating.submit`));
    expect(get.status).toBe(405);
    expect(((await get.json()) as { error: { data: { code: string } } }).error.data.code).toBe(
      "METHOD_NOT_SUPPORTED",
    );
  });
});

describe("the lean path for single calls", () => {
  // Each side has its own limiter with the same tight rule, so both see the same counts.
  const limited = () =>
    createLimits(limitsConfigFromEnv({ LIMIT_RATING_USER: "2/60s", LIMIT_RATING_IP: "off" }));
  const leanLimits = limited();
  const adapterLimits = limited();
  const lean = trpcOverHttp(async () => handle.db, { limits: () => leanLimits });
  const adapter = trpcOverHttp(async () => handle.db, {
    limits: () => adapterLimits,
    leanSingleCalls: false,
  });

  type Answer = { status: number; body: unknown; headers: Record<string, string | null> };

  async function answer(send: (req: Request) => Promise<Response>, req: Request): Promise<Answer> {
    const res = await send(req);
    const headers = Object.fromEntries(
      ["content-type", "cache-control", "vary", "x-request-id", "retry-after"].map((name) => [
        name,
        res.headers.get(name),
      ]),
    );
    const body = (await res.json()) as { error?: { data?: { stack?: string } } };
    // Outside production tRPC adds the stack, which names the path the call took.
    delete body.error?.data?.stack;
    return { status: res.status, body, headers };
  }

  /** The same request to both handlers: identical status, body and headers. */
  async function same(make: () => Request): Promise<Answer> {
    const viaLean = await answer(lean, make());
    const viaAdapter = await answer(adapter, make());
    expect(viaLean).toEqual(viaAdapter);
    return viaLean;
  }

  const ID = { "x-request-id": "req-mount-test-0001" };
  const get =
    (path: string, input?: unknown, headers: Record<string, string> = {}) =>
    () =>
      new Request(
        `${BASE}/${path}${input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`}`,
        { headers: { ...ID, ...headers } },
      );
  const post =
    (path: string, body: string, headers: Record<string, string> = {}) =>
    () =>
      new Request(`${BASE}/${path}`, {
        method: "POST",
        headers: { ...ID, "content-type": "application/json", ...headers },
        body,
      });

  it("answers successes and every refusal exactly as tRPC's adapter does", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const postId = await makePost(db, author);
    const cookie = await sessionCookie(await makeUser(db));

    expect((await same(get("post.list", { limit: 5 }))).status).toBe(200);
    expect((await same(get("post.list"))).status).toBe(200);
    expect((await same(get("post.byId", { id: postId }, { cookie }))).status).toBe(200);
    expect((await same(get("post.byId", { id: 2_000_000_000 }))).status).toBe(404);
    const badInput = await same(get("post.byId", { id: "x" }));
    expect(badInput.status).toBe(400);
    expect(JSON.stringify(badInput.body)).toContain("id");
    // Refusals the lean path leaves to the adapter answer the same through it.
    expect((await same(get("post.nope"))).status).toBe(404);
    expect(
      (await same(() => new Request(`${BASE}/post.byId?input=%7Bnot-json`, { headers: ID }))).status,
    ).toBe(400);
    expect((await same(post("post.list", "{}"))).status).toBe(405);
    expect((await same(post("rating.submit", "{", { cookie }))).status).toBe(400);
    expect(
      (
        await same(
          post("rating.submit", JSON.stringify({ postId, score: 3 }), {
            "content-type": "text/plain",
            cookie,
          }),
        )
      ).status,
    ).toBe(415);

    expect((await same(post("rating.submit", JSON.stringify({ postId, score: 3 })))).status).toBe(401);
    const outOfRange = await same(post("rating.submit", JSON.stringify({ postId, score: 9 }), { cookie }));
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body).toMatchObject({ error: { data: { fieldErrors: { score: expect.any(Array) } } } });

    // Writes: each side rates its own post as its own user, so both start from the same state.
    // Two submits per user per minute: each side answers 200, 200, then 429 with Retry-After.
    const rater = async () => ({
      postId: await makePost(db, author),
      cookie: await sessionCookie(await makeUser(db)),
    });
    const sides = [await rater(), await rater()] as const;
    const submit = (side: (typeof sides)[number], score: number) =>
      post("rating.submit", JSON.stringify({ postId: side.postId, score }), { cookie: side.cookie })();
    for (const [score, status] of [
      [4, 200],
      [5, 200],
      [1, 429],
    ] as const) {
      const viaLean = await answer(lean, submit(sides[0], score));
      const viaAdapter = await answer(adapter, submit(sides[1], score));
      expect(viaLean.status).toBe(status);
      expect(viaAdapter.status).toBe(status);
      expect(viaLean.headers).toEqual(viaAdapter.headers);
      if (status === 200) {
        const fields = (a: Answer) =>
          Object.keys((a.body as { result: { data: object } }).result.data).sort();
        expect(fields(viaLean)).toEqual(fields(viaAdapter));
      } else {
        expect(viaLean.body).toEqual(viaAdapter.body);
        expect(Number(viaLean.headers["retry-after"])).toBeGreaterThan(0);
        expect(viaLean.headers["cache-control"]).toBe("no-store");
        expect(viaLean.headers["x-request-id"]).toBe(ID["x-request-id"]);
      }
    }
  });

  it("answers a database outage 503 with Retry-After on both paths", async () => {
    const unreachable = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    const down = async () => {
      throw unreachable;
    };
    const leanDown = trpcOverHttp(down);
    const adapterDown = trpcOverHttp(down, { leanSingleCalls: false });
    const req = () => new Request(`${BASE}/post.list`, { headers: ID });
    const viaLean = await answer(leanDown, req());
    expect(viaLean).toEqual(await answer(adapterDown, req()));
    expect(viaLean.status).toBe(503);
    expect(viaLean.headers["retry-after"]).not.toBeNull();
  });
});
