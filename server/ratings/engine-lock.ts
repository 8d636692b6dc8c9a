import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";

// Fold batches, re-scoring and correction chunks all take this transaction-level advisory lock,
// so overlapping runs (a slow cron tick, a manual `npm run jobs`) serialize instead of double-counting.
const ENGINE_LOCK_KEY = 7_270_301;

export async function lockEngine(tx: Db): Promise<void> {
  await rows(tx, sql`select pg_advisory_xact_lock(${ENGINE_LOCK_KEY})`);
}
