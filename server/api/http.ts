// The tRPC HTTP endpoint, mounted as a pages-router API route (pages/api/trpc/[trpc].ts) through
// tRPC's Next adapter: a pages route costs about half the CPU of an app-router route, whose
// runtime builds web Request, stream and AbortSignal objects for every call. What clients see is
// the app route's contract, unchanged: the body bound and its 413, the batch cap, the
// database-outage 503, request ids, Cache-Control and the methods.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createNextApiHandler } from "@trpc/server/adapters/next";
import type { NextApiRequest, NextApiResponse } from "next";
import type { Db } from "@/db/client";
import type { Limits } from "@/server/limits";
import { defaultLimits } from "@/server/runtime";
import { logger } from "@/server/telemetry/log";
import { requestIdFrom } from "@/server/telemetry/request";
import { createContext } from "./context";
import { largeBatchRefusal, type JsonRefusal } from "./batch";
import { databaseOutageError } from "./outage";
import { appRouter } from "./root";

export const TRPC_ENDPOINT = "/api/trpc";

/**
 * Largest request body accepted. The largest valid input, post.create with 20,000 characters of
 * content and 200 of title, is at most ~121 KB even when a client escapes every character as a
 * 6-byte `\uXXXX`; 256 KiB keeps twice that, so no valid post is ever refused, while a client can
 * no longer make the server buffer and parse megabytes.
 */
export const MAX_BODY_BYTES = 256 * 1024;

const PAYLOAD_TOO_LARGE: JsonRefusal = {
  status: 413,
  headers: {},
  body: {
    error: {
      message: `request body is larger than ${MAX_BODY_BYTES} bytes`,
      data: { code: "PAYLOAD_TOO_LARGE", httpStatus: 413 },
    },
  },
};

/** The methods the endpoint serves: queries by GET, mutations by POST (HEAD and OPTIONS as the framework answers them). */
const SERVED_METHODS = "GET, HEAD, OPTIONS, POST";

function send(res: ServerResponse, refusal: JsonRefusal): void {
  const body = JSON.stringify(refusal.body);
  res.writeHead(refusal.status, {
    ...refusal.headers,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * The request body as text, or null once it is larger than MAX_BODY_BYTES: Content-Length is
 * checked before reading, and the bytes are counted while reading, for a body sent without
 * Content-Length. Bytes are decoded as UTF-8 with replacement characters, as a web Request's text() does.
 */
function boundedBody(req: IncomingMessage): Promise<string | null> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering; Node discards the rest of the body after the response.
        req.off("data", onData).off("end", onEnd);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks, size).toString("utf8"));
    req.on("data", onData).on("end", onEnd).once("error", reject);
  });
}

/** A Node request's headers read one at a time, as context and request ids expect them. */
function headerReader(req: IncomingMessage): { get(name: string): string | null } {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

export type TrpcApiHandler = (req: NextApiRequest, res: NextApiResponse) => Promise<void>;

/** The whole tRPC HTTP endpoint over a database; the route passes the process's own, with the process's limits. */
export function createTrpcApiHandler(
  openDb: () => Promise<Db>,
  options: { limits?: () => Limits } = {},
): TrpcApiHandler {
  const limitsFor = options.limits ?? defaultLimits;
  return async (req, res) => {
    const method = req.method ?? "GET";
    if (method === "OPTIONS" || (method !== "GET" && method !== "HEAD" && method !== "POST")) {
      // As the app route answered methods it did not export.
      res.writeHead(method === "OPTIONS" ? 204 : 405, { Allow: SERVED_METHODS });
      res.end();
      return;
    }
    // The proxy refuses these first; checked here too so the handler holds on its own (tests, other mounts).
    const tooLarge = largeBatchRefusal((req.url ?? "/").split("?", 1)[0]!);
    if (tooLarge) return send(res, tooLarge);
    if (method === "POST") {
      const body = await boundedBody(req);
      if (body === null) return send(res, PAYLOAD_TOO_LARGE);
      // tRPC's adapter takes a string body as read, instead of reading the stream itself.
      req.body = body;
    }
    const headers = headerReader(req);
    const requestId = requestIdFrom((name) => headers.get(name));
    // Headers procedures set (Retry-After) and the adapter's own, written with the response.
    const resHeaders = new Headers();
    await createNextApiHandler({
      router: appRouter,
      async createContext() {
        resHeaders.set("X-Request-Id", requestId);
        try {
          return await createContext({ db: await openDb(), headers, limits: limitsFor(), resHeaders, requestId });
        } catch (error) {
          throw databaseOutageError(error, resHeaders) ?? error;
        }
      },
      // Answers are per user and can carry secrets (token.create returns one): never stored by a
      // browser or a shared cache.
      responseMeta() {
        resHeaders.set("Cache-Control", "no-store");
        return { headers: resHeaders };
      },
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR")
          logger().error(
            { requestId, procedure: path ?? null, err: error.cause ?? error },
            "api call failed",
          );
      },
    })(req, res);
  };
}
