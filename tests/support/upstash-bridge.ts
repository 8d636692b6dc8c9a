// A test fixture: the Upstash Redis REST protocol in front of a real Redis, so the production
// @upstash/redis client and @upstash/ratelimit scripts run unchanged against the machine's Redis.
//   POST /            body ["SET","k","v"]       → {"result": …} or 400 {"error": …}
//   POST /pipeline    body [["GET","k"], …]      → [{"result": …} | {"error": …}, …]
//   POST /multi-exec  same, in one MULTI/EXEC transaction
// Every request needs "Authorization: Bearer <token>" (401 otherwise). With "Upstash-Encoding:
// base64" (what @upstash/redis sends by default) string results are base64, except "OK".
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";

type Reply = string | number | null | Buffer | Reply[];
type Encoded = string | number | null | Encoded[];
type Outcome = { result: Encoded } | { error: string };

export type UpstashBridge = {
  url: string;
  token: string;
  /** HTTP requests received so far (to count round trips). */
  requests: () => number;
  /** Makes every later answer wait this long first: a slow Redis. */
  setDelay: (ms: number) => void;
  close: () => Promise<void>;
};

function encode(reply: Reply, base64: boolean): Encoded {
  if (reply === null || typeof reply === "number") return reply;
  if (Array.isArray(reply)) return reply.map((item) => encode(item, base64));
  const text = Buffer.isBuffer(reply) ? reply.toString("utf8") : reply;
  if (!base64 || text === "OK") return text;
  return Buffer.from(text, "utf8").toString("base64");
}

function isCommand(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length > 0 && typeof value[0] === "string";
}

// JSON gives numbers and nulls too; Redis takes every argument as a string.
function commandArgs(command: unknown[]): [string, string[]] {
  const [name, ...args] = command;
  return [
    String(name),
    args.map((arg) =>
      arg === null || arg === undefined ? "" : typeof arg === "string" ? arg : JSON.stringify(arg),
    ),
  ];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/**
 * Connects to Redis first and throws when it cannot, so a configured but unreachable REDIS_URL
 * fails the tests that need it instead of skipping them.
 */
export async function startUpstashBridge(redisUrl: string, token = "test-token"): Promise<UpstashBridge> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`REDIS_URL (${redisUrl}) is unreachable: ${errorText(error)}`);
  }

  async function single(command: unknown[], base64: boolean): Promise<Outcome> {
    const [name, args] = commandArgs(command);
    try {
      return { result: encode((await redis.call(name, ...args)) as Reply, base64) };
    } catch (error) {
      return { error: errorText(error) };
    }
  }

  async function batch(commands: unknown[][], base64: boolean, transaction: boolean): Promise<Outcome[]> {
    const queue = transaction ? redis.multi() : redis.pipeline();
    for (const command of commands) {
      const [name, args] = commandArgs(command);
      queue.call(name, ...args);
    }
    const results = (await queue.exec()) ?? [];
    return results.map(([error, reply]) =>
      error ? { error: errorText(error) } : { result: encode(reply as Reply, base64) },
    );
  }

  let requests = 0;
  let delayMs = 0;
  const server = createServer((req, res) => {
    requests += 1;
    void (async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: "Unauthorized" });
      if (req.method !== "POST") return send(res, 405, { error: "only POST is supported" });
      const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        return send(res, 400, { error: "ERR the body is not JSON" });
      }
      const path = (req.url ?? "/").split("?")[0];
      if (path === "/pipeline" || path === "/multi-exec") {
        if (!Array.isArray(body) || body.length === 0 || !body.every(isCommand)) {
          return send(res, 400, { error: "ERR the body must be a non-empty array of commands" });
        }
        try {
          return send(res, 200, await batch(body, base64, path === "/multi-exec"));
        } catch (error) {
          return send(res, 400, { error: errorText(error) });
        }
      }
      if (path !== "/") return send(res, 404, { error: `no such endpoint: ${path}` });
      if (!isCommand(body)) return send(res, 400, { error: "ERR the body must be a command array" });
      const outcome = await single(body, base64);
      return send(res, "error" in outcome ? 400 : 200, outcome);
    })().catch((error: unknown) => send(res, 500, { error: errorText(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests: () => requests,
    setDelay: (ms) => {
      delayMs = ms;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
