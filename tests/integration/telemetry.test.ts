import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import type { Db } from "@/db/client";
import { createLimits, LIMIT_VARIABLES, limitsConfigFromEnv } from "@/server/limits";
import { engineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { useLogDestination } from "@/server/telemetry/log";
import { operationsConfig } from "@/server/operations/config";
import { startTracing } from "@/server/telemetry/tracing";
import { testDbForFile } from "../support/db";
import { makePost, makeUser } from "../support/fixtures";
import { startOtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";
import { sessionCookie } from "../support/session";
import { trpcRequest } from "../support/trpc-request";
import { startUpstashBridge, type UpstashBridge } from "../support/upstash-bridge";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const REDIS_URL = process.env.REDIS_URL;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let bridge: UpstashBridge | undefined;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Exactly what an operator sets: the standard variables, read by @vercel/otel.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
  process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
  process.env.OTEL_SERVICE_NAME = "steadystar-test";
  expect(await startTracing(operationsConfig(process.env))).toBe(true);
  useLogDestination(
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );
  if (REDIS_URL) bridge = await startUpstashBridge(REDIS_URL);
});

afterAll(async () => {
  await bridge?.close();
  await receiver?.close();
});

/**
 * The spans the receiver got over OTLP/HTTP, once one matching `until` has arrived (an export the
 * batch processor started on its own timer may still be in flight when the flush returns).
 */
async function exported(until: (s: ReceivedSpan) => boolean): Promise<ReceivedSpan[]> {
  const provider = trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } };
  await provider.getDelegate().forceFlush();
  for (let waited = 0; !receiver.spans.some(until) && waited < 5_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return receiver.spans;
}

function childrenOf(spans: ReceivedSpan[], parent: ReceivedSpan): ReceivedSpan[] {
  return spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);
}

function only(spans: ReceivedSpan[], predicate: (s: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(predicate);
  expect(found).toHaveLength(1);
  return found[0]!;
}

const noLimits = Object.fromEntries(Object.values(LIMIT_VARIABLES).map((v) => [v.env, "off"]));

describe("traces exported over OTLP/HTTP", () => {
  it("a rating request is one span named after its procedure, with its statements (and Redis calls) as children", async () => {
    const { db } = handle;
    const postId = await makePost(db, await makeUser(db));
    const rater = await makeUser(db);
    const limits = createLimits({
      ...limitsConfigFromEnv({
        ...noLimits,
        LIMIT_RATING_USER: "50/10s",
        ...(bridge ? { UPSTASH_REDIS_REST_URL: bridge.url, UPSTASH_REDIS_REST_TOKEN: bridge.token } : {}),
      }),
      prefix: `steadystar-test:${randomBytes(6).toString("hex")}`,
    });
    const handler = trpcOverHttp(async () => db, { limits: () => limits });
    const requestId = `trace-test-${randomBytes(4).toString("hex")}`;
    const res = await handler(
      trpcRequest("rating.submit", {
        body: { postId, score: 4 },
        headers: { cookie: await sessionCookie(rater), "x-request-id": requestId },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(requestId);

    const spans = await exported((s) => s.attributes["request.id"] === requestId);
    const request = only(spans, (s) => s.attributes["request.id"] === requestId);
    expect(request).toMatchObject({
      name: "trpc rating.submit",
      service: "steadystar-test",
      attributes: { "rpc.system": "trpc", "rpc.method": "rating.submit", "http.response.status_code": 200 },
    });
    const children = childrenOf(spans, request);
    const statements = children.filter((s) => s.attributes["db.system"] === "postgresql");
    expect(statements.map((s) => s.name)).toEqual(["db with"]);
    expect(String(statements[0]!.attributes["db.query.text"])).toMatch(/insert into ratings/);
    if (bridge) {
      const redis = children.filter((s) => s.name === "redis ratelimit");
      expect(redis).toHaveLength(1);
      expect(redis[0]!.attributes).toMatchObject({
        "db.system": "redis",
        "steadystar.limit.rule": "rating.user",
      });
    }
  });

  it("the fold has a span per batch and one for re-scoring; the correction contains its fold and chunks", async () => {
    const { db } = handle;
    const config = engineConfig({ SCORE_POLICY: "mean" });
    await runFold(db, config); // what earlier tests left pending, so the fold below has only these
    const earlier = new Set((await exported((s) => s.name === "fold")).map((s) => s.spanId));
    const postId = await makePost(db, await makeUser(db));
    const raters = await Promise.all([1, 2, 3].map(() => makeUser(db)));
    const handler = trpcOverHttp(async () => db, {
      limits: () => createLimits(limitsConfigFromEnv(noLimits)),
    });
    for (const rater of raters) {
      const res = await handler(
        trpcRequest("rating.submit", {
          body: { postId, score: 2 },
          headers: { cookie: await sessionCookie(rater) },
        }),
      );
      expect(res.status).toBe(200);
    }
    await runFold(db, config, { batchSize: 2 });
    await runCorrection(db, config);

    const spans = (await exported((s) => s.name === "correction")).filter((s) => !earlier.has(s.spanId));
    const [foldSpan, correctionFold] = spans.filter((s) => s.name === "fold");
    expect(foldSpan?.parentSpanId).toBeUndefined();
    expect(foldSpan?.attributes).toMatchObject({
      "steadystar.fold.pending_before": 3,
      "steadystar.fold.ratings": 3,
    });
    const foldChildren = childrenOf(spans, foldSpan!);
    // The backlog read, the look-up of today's site profile (learned by the fold before), two
    // batches of 2 and 1, the empty batch that ends the loop, re-scoring, and the run's row in fold_runs.
    expect(foldChildren.map((s) => [s.name, s.attributes["steadystar.fold.ratings"] ?? null])).toEqual([
      ["db select", null],
      ["db select", null],
      ["fold batch", 2],
      ["fold batch", 1],
      ["fold batch", 0],
      ["rescore", null],
      ["db with", null],
    ]);
    const firstBatch = foldChildren[2]!;
    expect(
      childrenOf(spans, firstBatch).some((s) =>
        String(s.attributes["db.query.text"]).includes("insert into rating_windows"),
      ),
    ).toBe(true);
    expect(only(foldChildren, (s) => s.name === "rescore").attributes["steadystar.rescore.posts"]).toBe(1);

    const correction = only(spans, (s) => s.name === "correction");
    expect(correction.attributes).toMatchObject({ "steadystar.correction.posts_drifted": 0 });
    const correctionChildren = childrenOf(spans, correction);
    expect(correctionChildren.map((s) => s.name)).toContain("correction chunk");
    expect(correctionFold?.parentSpanId).toBe(correction.spanId);
  });

  it("an unexpected failure answers 500 with a request id that the log line and the span carry too", async () => {
    // A database without the app's tables: every query of the procedure fails unexpectedly.
    const empty = new PGlite();
    const handler = trpcOverHttp(async () => drizzle(empty) as unknown as Db);
    const res = await handler(trpcRequest("post.list", { query: {} }));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string; data: { requestId: string } } };
    const requestId = body.error.data.requestId;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.error.message).toBe(`internal server error (request ${requestId})`);
    expect(res.headers.get("x-request-id")).toBe(requestId);

    const logged = logLines.filter((line) => line.requestId === requestId);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 50, procedure: "post.list", msg: "api call failed" });

    const isRequest = (s: ReceivedSpan) => s.attributes["request.id"] === requestId;
    const span = only(await exported(isRequest), isRequest);
    expect(span).toMatchObject({ name: "trpc post.list", attributes: { "http.response.status_code": 500 } });
    expect(span.status.code).toBe(2);
    await empty.close();
  });
});
