import { request as httpRequest, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseUnsupportedMethods } from "@/server/http-methods";

// A plain Node HTTP server, as `next start` creates, whose handler builds a fetch Request the way
// Next.js does for every request: TRACE makes that throw, which Next.js answers with a 500.
describe("methods the framework cannot parse", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    refuseUnsupportedMethods();
    server = createServer((req, res) => {
      try {
        new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method });
        res.end("reached the app");
      } catch (error) {
        res.writeHead(500).end(String(error));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function send(method: string, path: string) {
    return new Promise<{ status: number; allow?: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, method, path }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it.each(["TRACE"])("answers %s with 405 and the allowed methods before the app sees it", async (method) => {
    for (const path of ["/", "/api/trpc/post.list", "/api/auth/session", "/api/health"]) {
      const res = await send(method, path);
      expect(res.status, path).toBe(405);
      expect(res.allow).toContain("GET");
      expect(JSON.parse(res.body)).toEqual({
        error: `the ${method} method is not supported; use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS`,
      });
    }
  });

  it("passes every other method through to the app", async () => {
    for (const method of ["GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"])
      expect((await send(method, "/")).body, method).toBe("reached the app");
  });
});
