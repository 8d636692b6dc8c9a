import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { MAX_BATCH_CALLS } from "@/server/api/batch";
import { MAX_COOKIES } from "@/server/cookie-limit";

function cookies(count: number): string {
  return Array.from({ length: count }, (_, i) => `c${i}=v${i}`).join("; ");
}

function batchPath(calls: number): string {
  return `/api/trpc/${Array.from({ length: calls }, () => "post.list").join(",")}?batch=1`;
}

describe("the proxy, which runs before every route", () => {
  it("lets ordinary requests through to their route", () => {
    for (const [path, cookie] of [
      ["/", cookies(3)],
      ["/api/health", ""],
      [batchPath(MAX_BATCH_CALLS), cookies(MAX_COOKIES)],
      ["/posts/1", "next-auth.session-token=abc; next-auth.csrf-token=def"],
    ]) {
      const res = proxy(new NextRequest(`http://localhost${path}`, { headers: cookie ? { cookie } : {} }));
      expect(res, path).toBeUndefined();
    }
  });

  it.each(["/api/trpc/post.list", "/api/health", "/api/auth/session", "/posts/1", "/"])(
    "answers 431 for %s with a Cookie header of 1,500 cookies, so its route never runs",
    async (path) => {
      const res = proxy(new NextRequest(`http://localhost${path}`, { headers: { cookie: cookies(1_500) } }));
      expect(res?.status).toBe(431);
      expect(((await res?.json()) as { error: string }).error).toBe(
        `the Cookie header holds 1500 cookies; at most ${MAX_COOKIES} are accepted: clear this site's cookies and retry`,
      );
    },
  );

  it.each([
    ["GET", batchPath(MAX_BATCH_CALLS + 1)],
    ["GET", batchPath(100)],
    ["POST", batchPath(MAX_BATCH_CALLS + 1)],
    ["GET", `/api/trpc/${Array.from({ length: 12 }, () => "post.list").join("%2C")}?batch=1`],
  ])("answers 400 for a %s batch over the cap (%s)", async (method, path) => {
    const res = proxy(
      new NextRequest(`http://localhost${path}`, { method, body: method === "POST" ? "{}" : undefined }),
    );
    expect(res?.status).toBe(400);
    const body = (await res?.json()) as { error: { message: string; data: { code: string } } };
    expect(body.error.data.code).toBe("BAD_REQUEST");
    expect(body.error.message).toMatch(
      new RegExp(`^a batch may hold at most ${MAX_BATCH_CALLS} calls; this request has \\d+`),
    );
  });
});
