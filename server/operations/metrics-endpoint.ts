import { timingSafeEqual } from "node:crypto";
import type { DbHandle } from "@/db/client";
import { serverConfig } from "@/server/env";
import { logger } from "@/server/telemetry/log";
import { metrics, renderMetrics } from "@/server/telemetry/metrics";
import { readEngineStatus } from "./engine-status";

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * GET /api/metrics: Prometheus text for a scraper holding `Authorization: Bearer <METRICS_TOKEN>`.
 * Without METRICS_TOKEN the endpoint does not exist (404); a wrong or missing token gets 401.
 */
export async function metricsResponse(
  req: Request,
  openDb: () => Promise<Pick<DbHandle, "db" | "driver">>,
  token: string | null = serverConfig().operations.metricsToken,
): Promise<Response> {
  if (!token) return new Response("not found", { status: 404 });
  const bearer = /^bearer\s+(\S+)$/i.exec(req.headers.get("authorization")?.trim() ?? "")?.[1];
  if (!bearer || !sameSecret(bearer, token)) {
    return new Response("send Authorization: Bearer <METRICS_TOKEN>", {
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer realm="metrics"' },
    });
  }
  const m = metrics();
  let status = null;
  try {
    const { db, driver } = await openDb();
    status = await readEngineStatus(db, driver);
    m.databaseUp.set(1);
  } catch (error) {
    // The process's own counters are still worth scraping when the database is down.
    logger().warn({ err: error }, "metrics: engine status unavailable");
    m.databaseUp.set(0);
  }
  const { contentType, body } = await renderMetrics(status);
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": "no-store" } });
}
