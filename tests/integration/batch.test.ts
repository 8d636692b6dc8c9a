import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { MAX_BATCH_CALLS } from "@/server/api/batch";
import { testDbForFile } from "../support/db";
import { makePost, makeUser } from "../support/fixtures";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const handler = trpcOverHttp(async () => handle.db);

function batch(calls: number, method: "GET" | "POST") {
  const paths = Array.from({ length: calls }, () => "post.list").join(",");
  const inputs = Object.fromEntries(Array.from({ length: calls }, (_, i) => [i, { q: "no such title" }]));
  const url = new URL(`http://localhost/api/trpc/${paths}`);
  url.searchParams.set("batch", "1");
  if (method === "GET") url.searchParams.set("input", JSON.stringify(inputs));
  return handler(
    new NextRequest(url, {
      method,
      headers: { "content-type": "application/json" },
      body: method === "POST" ? JSON.stringify(inputs) : undefined,
    }),
  );
}

describe("tRPC batches", () => {
  it.each(["GET", "POST"] as const)(
    "a %s batch at the cap reaches tRPC, which answers every call",
    async (method) => {
      // (tRPC answers each query sent by POST with its own method error: what matters is one answer per call.)
      const res = await batch(MAX_BATCH_CALLS, method);
      const body = (await res.json()) as unknown;
      expect(Array.isArray(body) ? body.length : body).toBe(MAX_BATCH_CALLS);
    },
  );

  it.each(["GET", "POST"] as const)(
    "a %s batch over the cap is refused with 400 naming the cap",
    async (method) => {
      for (const calls of [MAX_BATCH_CALLS + 1, 100]) {
        const res = await batch(calls, method);
        expect(res.status).toBe(400);
        const body = (await res.json()) as { error: { message: string; data: { code: string } } };
        expect(body.error.message).toBe(
          `a batch may hold at most ${MAX_BATCH_CALLS} calls; this request has ${calls}: split it`,
        );
      }
    },
  );
});

describe("tRPC responses", () => {
  it("are never cached (token.create answers with a secret)", async () => {
    const postId = await makePost(handle.db, await makeUser(handle.db));
    const urls = [
      `http://localhost/api/trpc/post.byId?input=${encodeURIComponent(JSON.stringify({ id: postId }))}`,
      "http://localhost/api/trpc/post.byId?input=%7B%22id%22%3A2000000000%7D",
      "http://localhost/api/trpc/post.list,post.list?batch=1&input=%7B%7D",
    ];
    for (const url of urls) {
      const res = await handler(new NextRequest(url));
      expect(res.headers.get("cache-control"), url).toBe("no-store");
    }
  });
});
