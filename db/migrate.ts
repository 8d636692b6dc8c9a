// Applies db/migrations to DATABASE_URL (or to the embedded PGlite directory when it is unset).
import { MIGRATIONS_DIR, openPglite, openPostgres, pgliteDir } from "./client";
import { runCli } from "@/server/cli";

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const handle = await openPglite(pgliteDir());
    await handle.close();
    console.log(`migrations applied to embedded PGlite at ${pgliteDir()}`);
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
