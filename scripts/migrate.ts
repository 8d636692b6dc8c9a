// Applies db/migrations to DATABASE_URL (or to the embedded PGlite directory when it is unset).
import { MIGRATIONS_DIR, openPglite, openPostgres, pgliteDir } from "@/db/client";
import { serverConfig } from "@/server/env";
import { runCli } from "./run-cli";

async function main() {
  const { url, pgliteDir: dir } = serverConfig().database;
  if (!url) {
    const handle = await openPglite(pgliteDir(dir));
    await handle.close();
    console.log(`migrations applied to embedded PGlite at ${pgliteDir(dir)}`);
    return;
  }
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const handle = await openPostgres(url, { max: 1 });
  try {
    await migrate(handle.db as Parameters<typeof migrate>[0], { migrationsFolder: MIGRATIONS_DIR });
    console.log("migrations applied to DATABASE_URL");
  } finally {
    await handle.close();
  }
}

runCli(main);
