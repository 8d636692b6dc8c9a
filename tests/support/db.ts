import { randomBytes } from "node:crypto";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, beforeAll } from "vitest";
import { MIGRATIONS_DIR, openPglite, openPostgres, type DbHandle } from "@/db/client";

/**
 * A fresh, migrated, empty database for one test file: in-memory PGlite, or a new database on
 * the TEST_DATABASE_URL server that is dropped again on close.
 */
export async function openTestDb(): Promise<DbHandle & { url?: string }> {
  if (process.env.TEST_DRIVER !== "postgres") return openPglite();
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DRIVER=postgres needs TEST_DATABASE_URL");
  const name = `steadystar_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openPostgres(url.toString(), { max: 20 });
  await migrate(handle.db as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_DIR });
  return {
    ...handle,
    url: url.toString(),
    async close() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * A fresh database for the calling test file: opened before its tests, closed after them. The
 * returned handle can be used from the start; its `db` is ready once the file's tests run.
 */
export function testDbForFile(): Pick<DbHandle, "db" | "driver"> {
  let handle: DbHandle | undefined;
  beforeAll(async () => {
    handle = await openTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });
  const opened = () => {
    if (!handle) throw new Error("the test database opens in beforeAll: use it inside a test or hook");
    return handle;
  };
  return {
    get db() {
      return opened().db;
    },
    get driver() {
      return opened().driver;
    },
  };
}
