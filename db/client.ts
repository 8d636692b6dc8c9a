import "server-only";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

/** Either driver's drizzle database, or a transaction on it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export const MIGRATIONS_DIR = path.join(process.cwd(), "db", "migrations");

/**
 * Runs raw SQL and returns its rows. postgres.js answers with an array, PGlite with `{ rows }`;
 * this is the one place that difference is handled. Cast bigint and numeric columns in the SQL
 * itself (`::int`, `::float8`) so both drivers hand back plain numbers.
 */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

const ISO_FORMATS = {
  s: 'YYYY-MM-DD"T"HH24:MI:SS"Z"',
  ms: 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"',
  us: 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"',
} as const;

/**
 * SQL: a timestamptz as ISO 8601 UTC text. Formatted in the database so both drivers return the
 * same string (postgres.js and PGlite disagree on Date vs text); `us` keeps every digit, for values
 * that are compared exactly.
 */
export function isoTimestamp(column: SQL, precision: keyof typeof ISO_FORMATS = "ms"): SQL {
  return sql`to_char(${column} at time zone 'UTC', ${sql.raw(`'${ISO_FORMATS[precision]}'`)})`;
}

export type DbHandle = { db: Db; driver: "postgres" | "pglite"; close: () => Promise<void> };

export async function openPostgres(
  url: string,
  options: { max?: number; prepare?: boolean } = {},
): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  // Off by default so the client works behind any transaction pooler (PgBouncer before 1.21).
  // On a direct connection, or a pooler that keeps prepared statements, DATABASE_PREPARE=1 saves
  // the planning of every statement (about a millisecond for the post list).
  const client = postgres(url, {
    prepare: options.prepare ?? false,
    max: options.max ?? 10,
    onnotice: () => {},
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, driver: "postgres", close: () => client.end({ timeout: 5 }) };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims a PGlite directory for this process. Two processes on one directory (say `npm run dev`
 * and `npm run db:seed`) silently lose writes, so the second one is refused with a message instead.
 * A lock left by a process that died is taken over. Returns the release function.
 */
export function claimPgliteDir(dir: string): () => void {
  const lock = path.join(dir, "steadystar.lock");
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const owner = Number(readFileSync(lock, "utf8"));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new Error(
          `The PGlite directory ${dir} is open in another process (pid ${owner}), such as \`npm run dev\`. Stop it first: two processes on one PGlite directory lose writes. (If no such process uses it, delete ${lock}.)`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  const release = () => {
    try {
      if (readFileSync(lock, "utf8") === String(process.pid)) rmSync(lock, { force: true });
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return release;
}

/** Opens PGlite in `dir` (or in memory when dir is undefined) and applies every migration. */
export async function openPglite(dir?: string): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  let release = () => {};
  if (dir) {
    mkdirSync(dir, { recursive: true });
    release = claimPgliteDir(dir);
  }
  try {
    const client = dir ? new PGlite(dir) : new PGlite();
    const pgliteDb = drizzle(client, { schema });
    await migrate(pgliteDb, { migrationsFolder: MIGRATIONS_DIR });
    return {
      db: pgliteDb as unknown as Db,
      driver: "pglite",
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** How to reach the database; server/env.ts builds it from the environment. */
export type DatabaseOptions = {
  /** Postgres connection string; null: embedded PGlite. */
  url: string | null;
  poolSize: number;
  /** Prepared statements: off behind a transaction pooler that cannot keep them. */
  prepare: boolean;
  /** PGlite data directory (default .data/pglite under the working directory). */
  pgliteDir: string | null;
  /** A serverless platform (Vercel), where the embedded database cannot run. */
  serverless: boolean;
};

export function pgliteDir(dir: string | null): string {
  // Ignored by Turbopack's file tracing: the data directory is never part of a deployment.
  return path.resolve(/*turbopackIgnore: true*/ dir ?? path.join(process.cwd(), ".data", "pglite"));
}

/** Chooses the driver: a Postgres URL → postgres.js, otherwise embedded PGlite. */
export async function openDatabase(options: DatabaseOptions): Promise<DbHandle> {
  if (options.url) return openPostgres(options.url, { max: options.poolSize, prepare: options.prepare });
  if (options.serverless) {
    throw new Error(
      "DATABASE_URL is not set. The embedded PGlite database cannot run on Vercel: set DATABASE_URL to a Postgres (for example Neon) connection string.",
    );
  }
  return openPglite(pgliteDir(options.pgliteDir));
}
