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

/** The name the app's Postgres connections carry in pg_stat_activity. */
export const APPLICATION_NAME = "steadystar";

export type DbHandle = { db: Db; driver: "postgres" | "pglite"; close: () => Promise<void> };

/**
 * Runs SQL text with positional parameters ($1, $2 …) straight on a database's driver and returns
 * its rows. Drizzle's `db.execute` always sends `prepare: false`, so statements that should be
 * prepared (db/prepared.ts) go through this instead.
 */
export type RawRunner = (text: string, params: unknown[]) => Promise<unknown[]>;

// Keyed by the drizzle database each open* function returns; a transaction or a database made
// elsewhere has no entry, and its statements go through drizzle as usual. On globalThis, like the
// process's database handle (server/runtime.ts): Next bundles this module once for the app router
// and once for the pages router (/api/trpc), and a handle opened by one bundle is used by both.
// A per-bundle map left the other bundle without the runner: its statements then went unprepared
// through drizzle, and its ratings unbatched.
const globalForRunners = globalThis as unknown as { steadystarRawRunners?: WeakMap<Db, RawRunner> };
const rawRunners = (globalForRunners.steadystarRawRunners ??= new WeakMap<Db, RawRunner>());

/** The driver-level runner of a database opened here, or undefined (a transaction, say). */
export function rawRunnerOf(db: Db): RawRunner | undefined {
  return rawRunners.get(db);
}

export type PostgresOptions = {
  max?: number;
  prepare?: boolean;
  /** How long opening a connection may take before the query fails (postgres.js waits 30 s). */
  connectTimeoutMs?: number;
  /** Server-side limit on each statement; 0 or unset sends none (the server's own setting holds). */
  statementTimeoutMs?: number;
};

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<DbHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const statementTimeout = options.statementTimeoutMs ?? 0;
  // Off by default so the client works behind any transaction pooler (PgBouncer before 1.21).
  // On a direct connection, or a pooler that keeps prepared statements, DATABASE_PREPARE=1 saves
  // the planning of every statement (about a millisecond for the post list).
  const client = postgres(url, {
    prepare: options.prepare ?? false,
    max: options.max ?? 10,
    connect_timeout: (options.connectTimeoutMs ?? 30_000) / 1000,
    // A startup parameter, so it costs no round trip; a pooler that refuses unknown startup
    // parameters needs it off here and set on the role instead (ALTER ROLE … SET statement_timeout).
    // application_name names the app's connections in pg_stat_activity (the pool metrics count them by it).
    connection: {
      application_name: APPLICATION_NAME,
      ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
    },
    onnotice: () => {},
  });
  const db = drizzle(client, { schema }) as unknown as Db;
  // drizzle() above set the client's date parsers to pass text through, as for its own queries.
  const prepare = options.prepare ?? false;
  rawRunners.set(db, (text, params) =>
    client.unsafe(text, params as Parameters<typeof client.unsafe>[1], { prepare }),
  );
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
    const { types } = await import("@electric-sql/pglite");
    const asText = (value: string) => value;
    // The same parsers drizzle's PGlite session uses: dates and intervals stay text.
    const parsers = {
      [types.TIMESTAMP]: asText,
      [types.TIMESTAMPTZ]: asText,
      [types.INTERVAL]: asText,
      [types.DATE]: asText,
    };
    rawRunners.set(
      pgliteDb as unknown as Db,
      async (text, params) => (await client.query(text, params, { parsers })).rows,
    );
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
  /** How long opening a Postgres connection may take. */
  connectTimeoutMs: number;
  /** statement_timeout of request connections; 0: none sent. */
  queryTimeoutMs: number;
  /** Connections of background work (engine jobs, scripts), apart from the requests' pool. */
  jobsPoolSize: number;
};

export function pgliteDir(dir: string | null): string {
  // Ignored by Turbopack's file tracing: the data directory is never part of a deployment.
  return path.resolve(/*turbopackIgnore: true*/ dir ?? path.join(process.cwd(), ".data", "pglite"));
}

/**
 * Who the connections are for. Requests get a bounded statement time, so no single query holds a
 * connection for long. Background work (the engine's jobs in the server, CLI scripts) gets a small
 * pool of its own, so request traffic cannot starve the fold, and no statement limit, since a
 * large fold, correction or seed is legitimate.
 */
export type DbRole = "requests" | "background";

/** Chooses the driver: a Postgres URL → postgres.js, otherwise embedded PGlite. */
export async function openDatabase(options: DatabaseOptions, role: DbRole = "background"): Promise<DbHandle> {
  if (options.url) {
    const shared = { prepare: options.prepare, connectTimeoutMs: options.connectTimeoutMs };
    return openPostgres(
      options.url,
      role === "requests"
        ? { ...shared, max: options.poolSize, statementTimeoutMs: options.queryTimeoutMs }
        : { ...shared, max: options.jobsPoolSize },
    );
  }
  if (options.serverless) {
    throw new Error(
      "DATABASE_URL is not set. The embedded PGlite database cannot run on Vercel: set DATABASE_URL to a Postgres (for example Neon) connection string.",
    );
  }
  return openPglite(pgliteDir(options.pgliteDir));
}
