// Readiness: can this instance serve? The database must answer and the fold must keep up.
// (/api/health stays the liveness check: it says the process runs, nothing more.)
import { sql } from "drizzle-orm";
import { rows, type DbHandle } from "@/db/client";
import { serverConfig } from "@/server/env";
import { foldBacklog } from "@/server/ratings/fold";
import { logger } from "@/server/telemetry/log";

export type Readiness =
  | { ready: true; lagSeconds: number; pending: number }
  | { ready: false; reason: string; lagSeconds?: number; pending?: number };

export async function checkReadiness(
  openDb: () => Promise<Pick<DbHandle, "db" | "driver">>,
  maxLagSeconds = serverConfig().operations.maxFoldLagSeconds,
): Promise<Readiness> {
  let backlog: { pending: number; lagSeconds: number };
  try {
    const { db } = await openDb();
    await rows(db, sql`select 1`);
    backlog = await foldBacklog(db);
  } catch (error) {
    // The driver's message can name hosts and users: it goes to the log, not to the caller.
    logger().warn({ err: error }, "readiness: database unreachable");
    return { ready: false, reason: "database unreachable" };
  }
  if (backlog.lagSeconds > maxLagSeconds) {
    return {
      ready: false,
      reason: `fold lags ${Math.round(backlog.lagSeconds)} s behind (limit ${maxLagSeconds} s): ${backlog.pending} ratings pending`,
      ...backlog,
    };
  }
  return { ready: true, ...backlog };
}

export async function readinessResponse(
  openDb: () => Promise<Pick<DbHandle, "db" | "driver">>,
): Promise<Response> {
  const readiness = await checkReadiness(openDb);
  return Response.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}
