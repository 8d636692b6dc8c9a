// The tRPC endpoint as clients reach it, for tests: the pages-router handler behind a real Node
// HTTP server on loopback, run by Next's own API-route resolver (the one `next start` uses: the
// route's `config`, req.query, res.status/json), and called with web Requests over a socket.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { apiResolver } from "next/dist/server/api-utils/node/api-resolver";
import type { Db } from "@/db/client";
import { createTrpcApiHandler, TRPC_ENDPOINT, type TrpcApiHandler } from "@/server/api/http";
import { config as routeConfig } from "@/pages/api/trpc/[trpc]";

const PREFIX = `${TRPC_ENDPOINT}/`;

/** Serves `handler` as pages/api/trpc/[trpc].ts is served; resolves to the server's port. */
function serve(handler: TrpcApiHandler): { server: Server; port: Promise<number> } {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // Next's router gives the route its dynamic segment decoded, alongside the search parameters.
    const query: Record<string, string | string[]> = Object.fromEntries(url.searchParams);
    if (url.pathname.startsWith(PREFIX)) query.trpc = decodeURIComponent(url.pathname.slice(PREFIX.length));
    const previewKeys = { previewModeId: "", previewModeEncryptionKey: "", previewModeSigningKey: "" };
    void apiResolver(
      req,
      res,
      query,
      { default: handler, config: routeConfig },
      { ...previewKeys, dev: false },
      false,
    );
  });
  // A test file's server lives as long as its worker; it must not keep the worker alive.
  server.unref();
  const port = new Promise<number>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
  return { server, port };
}

/** Sends a web Request to the loopback server as is: its method, headers and body bytes. */
async function send(port: number, req: Request): Promise<Response> {
  const url = new URL(req.url);
  const headers: Record<string, string> = {};
  req.headers.forEach((value, name) => (headers[name] = value));
  let body = req.body ? Buffer.from(await req.arrayBuffer()) : null;
  // On the wire a server reads exactly the declared bytes; a Request object can claim fewer than it holds.
  const declared = headers["content-length"];
  if (body && declared !== undefined && /^\d+$/.test(declared) && Number(declared) < body.byteLength)
    body = body.subarray(0, Number(declared));
  // A body without a declared length goes chunked, as Node sends POST, PUT and PATCH bodies (so the
  // endpoint counts it while reading); other methods do not chunk by default, so they get a length.
  if (body && declared === undefined && !["POST", "PUT", "PATCH"].includes(req.method))
    headers["content-length"] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      // A connection per request: a request that lies about its length must not spoil the next.
      {
        host: "127.0.0.1",
        port,
        method: req.method,
        path: `${url.pathname}${url.search}`,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve(
            new Response(req.method === "HEAD" || chunks.length === 0 ? null : Buffer.concat(chunks), {
              status: res.statusCode ?? 0,
              headers: responseHeaders(res.headers),
            }),
          ),
        );
        res.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body ?? undefined);
  });
}

function responseHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/**
 * The tRPC endpoint over a database, as a function from a web Request to the Response a client
 * receives over HTTP.
 */
export function trpcOverHttp(
  openDb: () => Promise<Db>,
  options: Parameters<typeof createTrpcApiHandler>[1] = {},
): (req: Request) => Promise<Response> {
  let served: ReturnType<typeof serve> | undefined;
  return async (req) => {
    served ??= serve(createTrpcApiHandler(openDb, options));
    return send(await served.port, req);
  };
}
