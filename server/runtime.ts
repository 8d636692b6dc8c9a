import "server-only";
import { openDatabase, type Db, type DbHandle } from "@/db/client";
import { serverConfig } from "@/server/env";
import { createLimits, type Limits } from "@/server/limits";

// What one server process holds once: its database handle and its rate-limit counters.

// Two PGlite instances on one directory silently lose writes, and Next.js dev re-evaluates
// modules, so the handle lives on globalThis rather than in module scope.
const globalForDb = globalThis as unknown as { steadystarDb?: Promise<DbHandle> };

/** The process's database, opened from the configuration on first use. */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.steadystarDb ??= openDatabase(serverConfig().database).catch((error: unknown) => {
    globalForDb.steadystarDb = undefined;
    throw error;
  });
  return globalForDb.steadystarDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** A handle of its own for a command-line script, which closes it when done. */
export function openConfiguredDb(): Promise<DbHandle> {
  return openDatabase(serverConfig().database);
}

let processLimits: Limits | undefined;

/** The process's rate limits from the configuration, built once (counters must outlive a request). */
export function defaultLimits(): Limits {
  processLimits ??= createLimits(serverConfig().limits);
  return processLimits;
}
