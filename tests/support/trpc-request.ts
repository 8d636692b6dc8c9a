import { NextRequest } from "next/server";

/** A tRPC HTTP request as a browser sends it: a mutation when there is a body, otherwise a query. */
export function trpcRequest(
  path: string,
  init: { body?: unknown; query?: unknown; headers?: Record<string, string> } = {},
): NextRequest {
  const url = new URL(`http://localhost/api/trpc/${path}`);
  if (init.query !== undefined) url.searchParams.set("input", JSON.stringify(init.query));
  return new NextRequest(url, {
    method: init.body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}
