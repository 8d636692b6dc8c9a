import { refusalResponse, type JsonRefusal } from "@/server/json-refusal";

// How many tRPC calls one HTTP request may carry. A batch runs its calls at once on one request's
// share of the server, so an unbounded one (a hundred slow searches in a single GET) let one
// client stall every other; the web client batches at most this many (components/providers.tsx).
export const MAX_BATCH_CALLS = 10;

export const TRPC_PATH_PREFIX = "/api/trpc/";

/**
 * The number of calls a tRPC request names: its procedure list is the path after /api/trpc/,
 * comma-separated in a batch (`post.list,post.byId?batch=1`), for GET and POST alike. Counted
 * without splitting, so a hostile path costs one pass over its characters.
 */
export function trpcCallCount(pathname: string): number {
  if (!pathname.startsWith(TRPC_PATH_PREFIX)) return 0;
  let count = 1;
  const upper = pathname.toUpperCase();
  for (let at = upper.indexOf(",", TRPC_PATH_PREFIX.length); at !== -1; at = upper.indexOf(",", at + 1))
    count += 1;
  for (let at = upper.indexOf("%2C", TRPC_PATH_PREFIX.length); at !== -1; at = upper.indexOf("%2C", at + 3))
    count += 1;
  return count;
}

/** The 400 for a request naming more calls than allowed (a tRPC-shaped error body), otherwise null. */
export function largeBatchRefusal(pathname: string): JsonRefusal | null {
  const calls = trpcCallCount(pathname);
  if (calls <= MAX_BATCH_CALLS) return null;
  const message = `a batch may hold at most ${MAX_BATCH_CALLS} calls; this request has ${calls}: split it`;
  return {
    status: 400,
    headers: { "Cache-Control": "no-store" },
    body: { error: { message, code: -32600, data: { code: "BAD_REQUEST", httpStatus: 400 } } },
  };
}

/** largeBatchRefusal as a web Response, for the proxy. */
export function refuseLargeBatch(pathname: string): Response | null {
  const refusal = largeBatchRefusal(pathname);
  return refusal && refusalResponse(refusal);
}
