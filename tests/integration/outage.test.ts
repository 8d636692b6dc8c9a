// A database that cannot be reached must cost a request a bounded wait and a 503 with Retry-After,
// never a hang or a 500. Two real outages: a server that accepts connections and never answers
// (frozen), and a port where nothing listens (stopped).
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type DbHandle } from "@/db/client";
import { checkHealth } from "@/server/health";
import { trpcOverHttp } from "../support/trpc-http";

let frozen: Server;
const frozenSockets = new Set<Socket>();
let frozenUrl = "";
let stoppedUrl = "";
const handles: DbHandle[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
  );
}

beforeAll(async () => {
  frozen = createServer((socket) => {
    frozenSockets.add(socket); // accepted, read, never answered
    socket.on("close", () => frozenSockets.delete(socket));
  });
  frozenUrl = `postgres://postgres@127.0.0.1:${await listen(frozen)}/steadystar`;
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  stoppedUrl = `postgres://postgres@127.0.0.1:${port}/steadystar`;
});

afterAll(async () => {
  await Promise.all(handles.map((handle) => handle.close().catch(() => {})));
  for (const socket of frozenSockets) socket.destroy();
  await new Promise((resolve) => frozen.close(resolve));
});

async function open(url: string): Promise<DbHandle> {
  const handle = await openPostgres(url, { max: 2, connectTimeoutMs: 300 });
  handles.push(handle);
  return handle;
}

async function listPosts(handle: DbHandle) {
  const handler = trpcOverHttp(async () => handle.db);
  const res = await handler(new NextRequest("http://localhost/api/trpc/post.list"));
  const json = (await res.json()) as { error?: { message: string; data: { code: string } } };
  return { status: res.status, retryAfter: res.headers.get("retry-after"), json };
}

describe.each([
  ["frozen", () => frozenUrl],
  ["stopped", () => stoppedUrl],
])("a %s database", (_name, url) => {
  it("answers a request 503 with Retry-After, not a hang or a 500", async () => {
    const handle = await open(url());
    const { status, retryAfter, json } = await listPosts(handle);
    expect(status).toBe(503);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(json.error?.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(json.error?.message).toMatch(/database is unavailable/);
  });

  it("answers the health check 503 (the check gives up on the database instead of waiting)", async () => {
    // No connect timeout here, so only the health check's own deadline can end the wait.
    const handle = await openPostgres(url(), { max: 1 });
    handles.push(handle);
    const health = await checkHealth(async () => handle);
    expect(health).toEqual({ status: 503, body: { ok: false, error: "database unreachable" } });
  });

  it("answers a signed-in API client 503 too (the token lookup happens before the procedure)", async () => {
    const handle = await open(url());
    const handler = trpcOverHttp(async () => handle.db);
    const res = await handler(
      new NextRequest("http://localhost/api/trpc/post.list", { headers: { authorization: "Bearer ss_x" } }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).not.toBeNull();
  });
});
