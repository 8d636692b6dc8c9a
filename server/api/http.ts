// The tRPC HTTP endpoint, mounted as a pages-router API route (pages/api/trpc/[trpc].ts) through
// tRPC's Next adapter: a pages route costs about half the CPU of an app-router route, whose
// runtime builds web Request, stream and AbortSignal objects for every call. What clients see is
// the app route's contract, unchanged: the body bound and its 413, the batch cap, the
// database-outage 503, request ids, Cache-Control and the methods.
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  callTRPCProcedure,
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  type AnyTRPCProcedure,
  type TRPCError,
} from "@trpc/server";
import { createNextApiHandler } from "@trpc/server/adapters/next";
import { getHTTPStatusCode } from "@trpc/server/http";
import type { NextApiRequest, NextApiResponse } from "next";
import type { Db } from "@/db/client";
import { tooManyCookiesRefusal } from "@/server/cookie-limit";
import type { JsonRefusal } from "@/server/json-refusal";
import type { Limits } from "@/server/limits";
import { defaultLimits } from "@/server/runtime";
import { logger } from "@/server/telemetry/log";
import { requestIdFrom } from "@/server/telemetry/request";
import { createContext } from "./context";
import { largeBatchRefusal } from "./batch";
import { databaseOutageError } from "./outage";
import { appRouter } from "./root";
import type { Context } from "./trpc";

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

/** The methods the endpoint serves: queries by GET, mutations by POST, and HEAD and OPTIONS as Next answers them. */
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
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) {
    req.resume(); // discarded as it arrives: the connection ends cleanly, and the client reads the 413
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        // Stop buffering; the rest is discarded as it arrives (bounded by the server's request
        // timeout), so the client still reads the 413 instead of a reset connection.
        req.off("data", onData).off("end", onEnd);
        req.resume();
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

/** What one request's calls share: the context's inputs, the headers they set, and the error log. */
type RequestScope = {
  createContext(): Promise<Context>;
  resHeaders: Headers;
  onError(error: TRPCError, path: string | undefined): void;
};

// ---------------------------------------------------------------- the lean path
//
// A single call (the web client's mutations, every script's call) goes through tRPC's own
// procedure call and error shape, without the adapter's generic machinery: no web Request built
// from the Node one, no body stream, no response stream. It takes only requests whose answer it
// can give exactly as the adapter would — a known procedure called with its method, a JSON input
// that parses, no batch, no streaming or connection parameters — and hands every other request to
// the adapter, whose answer (400, 404, 405, 415, ...) is then tRPC's own. The same errors answer
// the same on both paths (tests/integration/trpc-mount.test.ts).

/**
 * Each procedure's type by its path. `_def.procedures` is typed as the nested router record, but
 * holds every procedure under its full path ("post.list"): the record tRPC's own lookup reads.
 * The router has no lazy parts, so it is complete.
 */
const PROCEDURE_TYPES: ReadonlyMap<string, string> = new Map(
  Object.entries(appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>).map(
    ([path, procedure]) => [path, procedure._def.type],
  ),
);

const METHOD_OF_TYPE: Record<string, string> = { query: "GET", mutation: "POST" };

/** The content type tRPC's JSON handler matches, as it reads it. */
function isJson(contentType: string | undefined): boolean {
  return contentType?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";
}

type SingleCall = { path: string; type: "query" | "mutation"; input: unknown };

/** The request as one call the lean path answers exactly as the adapter would, or null. */
function singleCall(req: NextApiRequest): SingleCall | null {
  const query = req.query;
  const path = query.trpc;
  if (typeof path !== "string" || query.batch !== undefined || query.connectionParams !== undefined)
    return null;
  const type = PROCEDURE_TYPES.get(path);
  if ((type !== "query" && type !== "mutation") || METHOD_OF_TYPE[type] !== req.method) return null;
  const accept = req.headers.accept;
  if (
    req.headers["trpc-accept"] !== undefined ||
    (accept !== undefined && accept.includes("application/jsonl"))
  )
    return null;
  const contentType = req.headers["content-type"];
  if (type === "mutation" ? !isJson(contentType) : contentType !== undefined && !isJson(contentType))
    return null;
  const text = type === "mutation" ? (req.body as string) : query.input;
  if (Array.isArray(text)) return null;
  // An input that is absent (a query) parses as tRPC's does; one that does not parse is the adapter's 400.
  if (text === undefined || (text === "" && type === "query")) return { path, type, input: undefined };
  try {
    return { path, type, input: JSON.parse(text) as unknown };
  } catch {
    return null;
  }
}

/** Answers one call as tRPC's resolveResponse answers a non-batched JSON call. */
async function answerSingleCall(call: SingleCall, scope: RequestScope, res: NextApiResponse): Promise<void> {
  const config = appRouter._def._config;
  let ctx: Context | undefined;
  let body: { result: { data: unknown } } | { error: ReturnType<typeof getTRPCErrorShape> };
  try {
    ctx = await scope.createContext();
    const data = await callTRPCProcedure({
      router: appRouter,
      path: call.path,
      getRawInput: async () => call.input,
      ctx,
      type: call.type,
      signal: undefined,
      batchIndex: 0,
    });
    body = { result: { data } };
  } catch (cause) {
    const error = getTRPCErrorFromUnknown(cause);
    scope.onError(error, call.path);
    body = {
      error: getTRPCErrorShape({ config, ctx, error, input: call.input, path: call.path, type: call.type }),
    };
  }
  const headers = new Headers([
    ["vary", "trpc-accept, accept"],
    ["content-type", "application/json"],
  ]);
  for (const [name, value] of answerHeaders(scope.resHeaders)) headers.append(name, value);
  const text = JSON.stringify(transformTRPCResponse(config, body));
  res.writeHead(getHTTPStatusCode([body]), {
    ...Object.fromEntries(headers),
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

// ---------------------------------------------------------------- both paths

/** The headers every answer carries, with those the call set: never stored by a browser or a shared cache (token.create returns a secret). */
function answerHeaders(resHeaders: Headers): Headers {
  resHeaders.set("Cache-Control", "no-store");
  return resHeaders;
}

/** The whole tRPC HTTP endpoint over a database; the route passes the process's own, with the process's limits. */
export function createTrpcApiHandler(
  openDb: () => Promise<Db>,
  options: { limits?: () => Limits; leanSingleCalls?: boolean } = {},
): TrpcApiHandler {
  const limitsFor = options.limits ?? defaultLimits;
  const lean = options.leanSingleCalls ?? true;
  return async (req, res) => {
    const method = req.method ?? "GET";
    if (method !== "GET" && method !== "HEAD" && method !== "POST") {
      // As the app route answered the methods it did not export (Next's autoImplementMethods).
      req.resume(); // the body is not read: let it pass, so the connection can serve the next request
      if (method === "OPTIONS") res.writeHead(204, { Allow: SERVED_METHODS });
      else res.writeHead(405);
      res.end();
      return;
    }
    // The proxy does not run for /api/trpc (proxy.ts says why): the endpoint refuses what the
    // proxy refuses elsewhere itself, before anything parses the request.
    const refused =
      tooManyCookiesRefusal(req.headers.cookie) ?? largeBatchRefusal((req.url ?? "/").split("?", 1)[0]!);
    if (refused) return send(res, refused);
    if (method === "POST") {
      const body = await boundedBody(req);
      if (body === null) return send(res, PAYLOAD_TOO_LARGE);
      // tRPC's adapter takes a string body as read, instead of reading the stream itself.
      req.body = body;
    }
    const headers = headerReader(req);
    const requestId = requestIdFrom((name) => headers.get(name));
    // Headers procedures set (Retry-After) and the endpoint's own, written with the answer.
    const resHeaders = new Headers();
    const scope: RequestScope = {
      resHeaders,
      async createContext() {
        resHeaders.set("X-Request-Id", requestId);
        try {
          return await createContext({
            db: await openDb(),
            headers,
            limits: limitsFor(),
            resHeaders,
            requestId,
          });
        } catch (error) {
          throw databaseOutageError(error, resHeaders) ?? error;
        }
      },
      onError(error, path) {
        if (error.code === "INTERNAL_SERVER_ERROR")
          logger().error(
            { requestId, procedure: path ?? null, err: error.cause ?? error },
            "api call failed",
          );
      },
    };
    const call = lean ? singleCall(req) : null;
    if (call) return answerSingleCall(call, scope, res);
    await createNextApiHandler({
      router: appRouter,
      createContext: scope.createContext,
      responseMeta: () => ({ headers: answerHeaders(resHeaders) }),
      onError: ({ error, path }) => scope.onError(error, path),
    })(req, res);
  };
}
