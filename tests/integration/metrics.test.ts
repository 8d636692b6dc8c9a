import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rows } from "@/db/client";
import { setPostLock } from "@/server/moderation";
import { metricsResponse } from "@/server/operations/metrics-endpoint";
import { createLimits, LIMIT_VARIABLES, limitsConfigFromEnv } from "@/server/limits";
import { engineConfig } from "@/server/ratings/config";
import { runCorrection } from "@/server/ratings/correction";
import { recordLimiterFailOpen } from "@/server/telemetry/metrics";
import { testDbForFile } from "../support/db";
import { fold, makePost, makeUser } from "../support/fixtures";
import { parseScrape } from "../support/prometheus";
import { sessionCookie } from "../support/session";
import { trpcRequest } from "../support/trpc-request";
import { trpcOverHttp } from "../support/trpc-http";

const handle = testDbForFile();
const TOKEN = "metrics-test-token-0123456789abcdef";
const open = async () => handle;

function metricsRequest(authorization?: string): Request {
  return new Request("http://localhost/api/metrics", {
    headers: authorization ? { authorization } : {},
  });
}

async function scrape() {
  const res = await metricsResponse(metricsRequest(`Bearer ${TOKEN}`), open, TOKEN);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseScrape(await res.text());
}

const noLimits = Object.fromEntries(Object.values(LIMIT_VARIABLES).map((v) => [v.env, "off"]));

describe("/api/metrics", () => {
  it("does not exist without METRICS_TOKEN, and refuses a missing or wrong bearer", async () => {
    expect((await metricsResponse(metricsRequest(`Bearer ${TOKEN}`), open, undefined)).status).toBe(404);
    expect((await metricsResponse(metricsRequest(`Bearer ${TOKEN}`), open, "")).status).toBe(404);
    const missing = await metricsResponse(metricsRequest(), open, TOKEN);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await metricsResponse(metricsRequest(`Bearer ${TOKEN}x`), open, TOKEN)).status).toBe(401);
    expect((await metricsResponse(metricsRequest(`Basic ${TOKEN}`), open, TOKEN)).status).toBe(401);
  });

  it("counts requests and ratings by outcome, and follows the fold, the correction and held ratings", async () => {
    const { db } = handle;
    const author = await makeUser(db);
    const [p1, p2, locked] = [
      await makePost(db, author),
      await makePost(db, author),
      await makePost(db, author),
    ];
    await setPostLock(db, locked, author, true);
    const limits = createLimits(limitsConfigFromEnv({ ...noLimits, LIMIT_RATING_USER: "2/1m" }));
    const handler = trpcOverHttp(async () => db, { limits: () => limits });
    const rate = async (userId: number, body: unknown) =>
      (
        await handler(
          trpcRequest("rating.submit", { body, headers: { cookie: await sessionCookie(userId) } }),
        )
      ).status;

    const before = await scrape();
    const [a, b, c] = [await makeUser(db), await makeUser(db), await makeUser(db)];
    expect(await rate(a, { postId: p1, score: 5 })).toBe(200);
    expect(await rate(a, { postId: p2, score: 1 })).toBe(200);
    expect(await rate(a, { postId: p2, score: 2 })).toBe(429);
    expect(await rate(b, { postId: p1, score: 9 })).toBe(400);
    expect(await rate(c, { postId: locked, score: 3 })).toBe(403);

    const used = await scrape();
    const moved = (name: string, labels: Record<string, string> = {}) =>
      used.value(name, labels) - before.value(name, labels);
    expect(moved("steadystar_ratings_accepted_total")).toBe(2);
    expect(moved("steadystar_ratings_refused_total", { reason: "limit" })).toBe(1);
    expect(moved("steadystar_ratings_refused_total", { reason: "invalid" })).toBe(1);
    expect(moved("steadystar_ratings_refused_total", { reason: "locked" })).toBe(1);
    for (const [status, n] of [
      ["200", 2],
      ["429", 1],
      ["400", 1],
      ["403", 1],
    ] as const) {
      expect(moved("steadystar_requests_total", { procedure: "rating.submit", status })).toBe(n);
    }
    const latency = used.histogram("steadystar_request_duration_seconds", { procedure: "rating.submit" });
    expect(
      latency.count -
        before.histogram("steadystar_request_duration_seconds", { procedure: "rating.submit" }).count,
    ).toBe(5);
    expect(used.value("steadystar_fold_pending_ratings")).toBe(2);
    expect(used.value("steadystar_fold_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(used.value("steadystar_database_up")).toBe(1);
    expect(used.value("steadystar_db_pool_size")).toBe(handle.driver === "pglite" ? 1 : 10);
    if (handle.driver === "postgres")
      expect(used.value("steadystar_db_connections", { state: "active" })).toBeGreaterThanOrEqual(1);

    // A rating left pending for a while is the fold lag.
    await rows(db, sql`update ratings set updated_at = now() - interval '90 seconds' where post_id = ${p1}`);
    expect((await scrape()).value("steadystar_fold_lag_seconds")).toBeGreaterThanOrEqual(90);

    await fold(db);
    const folded = await scrape();
    expect(folded.value("steadystar_fold_pending_ratings")).toBe(0);
    expect(folded.value("steadystar_fold_lag_seconds")).toBe(0);
    expect(
      folded.histogram("steadystar_fold_duration_seconds").count -
        used.histogram("steadystar_fold_duration_seconds").count,
    ).toBe(1);
    expect(
      folded.histogram("steadystar_fold_batch_size").sum - used.histogram("steadystar_fold_batch_size").sum,
    ).toBe(2);
    expect(
      Math.abs(folded.value("steadystar_fold_last_run_timestamp_seconds") - Date.now() / 1000),
    ).toBeLessThan(60);

    // Held ratings as the steady policy's re-scoring records them on the post.
    await rows(db, sql`update posts set held_count = 2.5 where id = ${p1}`);
    const held = await scrape();
    expect(held.value("steadystar_held_posts")).toBe(1);
    expect(held.value("steadystar_held_weight")).toBe(2.5);

    // A post whose stored count went wrong: the correction finds it and the metrics say so.
    expect(held.value("steadystar_correction_last_run_timestamp_seconds")).toBe(0);
    await rows(db, sql`update posts set rating_count = rating_count + 3 where id = ${p2}`);
    const report = await runCorrection(db, engineConfig({ SCORE_POLICY: "mean" }));
    expect(report.postsDrifted).toBeGreaterThanOrEqual(1);
    const corrected = await scrape();
    expect(corrected.value("steadystar_correction_last_drifted_posts")).toBe(report.postsDrifted);
    expect(
      corrected.value("steadystar_correction_drifted_posts_total") -
        held.value("steadystar_correction_drifted_posts_total"),
    ).toBe(report.postsDrifted);
    expect(corrected.value("steadystar_correction_last_run_timestamp_seconds")).toBeGreaterThan(0);
  });

  it("counts every limit check the in-process fallback answers while Redis is unreachable", async () => {
    const before = await scrape();
    const down = createLimits(
      limitsConfigFromEnv({
        ...noLimits,
        LIMIT_RATING_USER: "5/10s",
        UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9",
        UPSTASH_REDIS_REST_TOKEN: "any",
      }),
      { log: () => {}, onFailOpen: recordLimiterFailOpen },
    );
    expect(await down.check("rating", { user: 1 })).toEqual({ ok: true });
    expect(await down.check("rating", { user: 1 })).toEqual({ ok: true });
    const after = await scrape();
    const rule = { rule: "rating.user" };
    expect(
      after.value("steadystar_limiter_failopen_total", rule) -
        before.value("steadystar_limiter_failopen_total", rule),
    ).toBe(2);
    expect(after.value("steadystar_limiter_last_failopen_timestamp_seconds")).toBeGreaterThan(0);
  });
});
