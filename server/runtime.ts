import { openDatabase, type Db, type DbHandle, type DbRole } from "@/db/client";
import { serverConfig } from "@/server/env";
import { createLimits, type Limits } from "@/server/limits";
import { cachePagesOf } from "@/server/posts/page-cache";
import { recordLimiterFailOpen } from "@/server/telemetry/metrics";

// What one server process holds once: its database handle and its rate-limit counters.

// One handle per role: two PGlite instances on one directory silently lose writes, and Next.js
// dev re-evaluates modules, so the handles live on globalThis rather than in module scope.
const globalForDb = globalThis as unknown as { steadystarDb?: Partial<Record<DbRole, Promise<DbHandle>>> };

function processHandle(role: DbRole): Promise<DbHandle> {
  const handles = (globalForDb.steadystarDb ??= {});
  handles[role] ??= openDatabase(serverConfig().database, role).catch((error: unknown) => {
    handles[role] = undefined;
    throw error;
  });
  return handles[role];
}

/**
 * The process's database for requests, opened from the configuration on first use. Its anonymous
 * list pages are shared between requests for a moment (server/posts/page-cache.ts).
 */
export async function getDbHandle(): Promise<DbHandle> {
  const handle = await processHandle("requests");
  cachePagesOf(handle.db);
  return handle;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/**
 * The engine jobs' own connections on Postgres, so request traffic cannot starve the fold. PGlite
 * is one connection in this process whatever is asked of it, so there the jobs share the requests' handle.
 */
export async function getJobsDb(): Promise<Db> {
  return (await processHandle(serverConfig().database.url ? "background" : "requests")).db;
}

/** A handle of its own for a command-line script, which closes it when done. */
export function openConfiguredDb(): Promise<DbHandle> {
  return openDatabase(serverConfig().database, "background");
}

// On globalThis for the same reason as the database handles, and because the app router and the
// pages router (/api/trpc) bundle this module separately: without Redis, the in-process counters
// must be one set per process, not one per bundle.
const globalForLimits = globalThis as unknown as { steadystarLimits?: Limits };

/** The process's rate limits from the configuration, built once (counters must outlive a request). */
export function defaultLimits(): Limits {
  globalForLimits.steadystarLimits ??= createLimits(serverConfig().limits, {
    onFailOpen: recordLimiterFailOpen,
  });
  return globalForLimits.steadystarLimits;
}
