import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { NextRequest } from "next/server";
import type { Db } from "@/db/client";
import type { Limits } from "@/server/limits";
import { defaultLimits } from "@/server/runtime";
import { createContext } from "./context";
import { appRouter } from "./root";

export const TRPC_ENDPOINT = "/api/trpc";

/**
 * Largest request body accepted. The largest valid input, post.create with 20,000 characters of
 * content and 200 of title, is at most ~121 KB even when a client escapes every character as a
 * 6-byte `\uXXXX`; 256 KiB keeps twice that, so no valid post is ever refused, while a client can
 * no longer make the server buffer and parse megabytes.
 */
export const MAX_BODY_BYTES = 256 * 1024;

function payloadTooLarge(): Response {
  const message = `request body is larger than ${MAX_BODY_BYTES} bytes`;
  return Response.json(
    { error: { message, data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 } } },
    { status: 413 },
  );
}

/**
 * The request with its body read into memory, or a 413 response once the body is too large:
 * Content-Length is checked before reading, and the bytes are counted while reading, for a body
 * sent without Content-Length or with a false one.
 */
async function boundedBody(req: NextRequest): Promise<NextRequest | Response> {
  if (!req.body) return req;
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) {
    await req.body.cancel().catch(() => {});
    return payloadTooLarge();
  }
  // With a Content-Length within the limit the HTTP parser delivers exactly that many bytes, so the
  // request passes untouched: re-reading and rebuilding it cost ~8 % of a rating's CPU. Only a body
  // without one (chunked) is counted while it is read.
  if (declared !== null && /^\d+$/.test(declared)) return req;
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return payloadTooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new NextRequest(req.url, { method: req.method, headers: req.headers, body, signal: req.signal });
}

/** The whole tRPC HTTP endpoint over a database; the route passes the process's own, with the process's limits. */
export function createTrpcHandler(openDb: () => Promise<Db>, options: { limits?: () => Limits } = {}) {
  const limitsFor = options.limits ?? defaultLimits;
  return async (unbounded: NextRequest): Promise<Response> => {
    const req = await boundedBody(unbounded);
    if (req instanceof Response) return req;
    return fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req,
      router: appRouter,
      createContext: async ({ resHeaders }) =>
        createContext({ db: await openDb(), headers: req.headers, limits: limitsFor(), resHeaders }),
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR")
          console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
      },
    });
  };
}
