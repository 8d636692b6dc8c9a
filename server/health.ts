import { sql } from "drizzle-orm";
import { rows, type DbHandle } from "@/db/client";
import { configurationProblem, type ServerConfig } from "@/server/env";

/** The health check answers within a second whatever the database does (frozen, stopped, slow). */
export const HEALTH_DATABASE_TIMEOUT_MS = 800;

export type Health = { status: 200 | 503; body: { ok: boolean; database?: string; error?: string } };

/**
 * Liveness: the configuration lets this process serve, and the database answers a trivial query
 * in time. A database that does not answer in time counts as unreachable rather than holding the
 * check (and the load balancer's probe) open.
 */
export async function checkHealth(
  openDb: () => Promise<DbHandle>,
  options: { timeoutMs?: number; config?: ServerConfig } = {},
): Promise<Health> {
  const timeoutMs = options.timeoutMs ?? HEALTH_DATABASE_TIMEOUT_MS;
  const problem = configurationProblem(options.config);
  if (problem) return { status: 503, body: { ok: false, error: problem } };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const driver = await Promise.race([
      openDb().then(async ({ db, driver }) => {
        await rows(db, sql`select 1`);
        return driver;
      }),
      timeout,
    ]);
    return { status: 200, body: { ok: true, database: driver } };
  } catch (error) {
    console.error("health check failed:", error instanceof Error ? error.message : error);
    return { status: 503, body: { ok: false, error: "database unreachable" } };
  } finally {
    clearTimeout(timer);
  }
}
