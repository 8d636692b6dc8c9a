import { sql } from "drizzle-orm";
import { isoTimestamp, rows, type Db } from "@/db/client";

/** One fold run as kept for the lag history: how far behind it started, and what it did. */
export type FoldRun = {
  startedAt: string;
  finishedAt: string;
  pendingBefore: number;
  lagSeconds: number;
  batches: number;
  folded: number;
  postsRescored: number;
  durationMs: number;
};

/** Fold runs are kept this long: enough for the 24 h chart and a look back over a week. */
export const FOLD_RUN_RETENTION_DAYS = 7;

/** Stores a run and drops those past the retention, in one statement. */
export async function saveFoldRun(db: Db, run: FoldRun): Promise<void> {
  await rows(
    db,
    sql`with pruned as (
          delete from fold_runs where started_at < now() - make_interval(days => ${FOLD_RUN_RETENTION_DAYS})
        )
        insert into fold_runs (started_at, finished_at, pending_before, lag_seconds, batches, folded, posts_rescored, duration_ms)
        values (${run.startedAt}, ${run.finishedAt}, ${run.pendingBefore}, ${run.lagSeconds}, ${run.batches},
                ${run.folded}, ${run.postsRescored}, ${run.durationMs})`,
  );
}

const runColumns = sql`${isoTimestamp(sql`started_at`)} as "startedAt", ${isoTimestamp(sql`finished_at`)} as "finishedAt",
  pending_before as "pendingBefore", lag_seconds as "lagSeconds", batches, folded,
  posts_rescored as "postsRescored", duration_ms as "durationMs"`;

/** Fold runs started in the last `hours` hours, oldest first. */
export async function recentFoldRuns(db: Db, hours = 24): Promise<FoldRun[]> {
  return rows<FoldRun>(
    db,
    sql`select ${runColumns} from fold_runs
        where started_at > now() - make_interval(hours => ${hours}) order by started_at`,
  );
}

export async function lastFoldRun(db: Db): Promise<FoldRun | null> {
  const [run] = await rows<FoldRun>(db, sql`select ${runColumns} from fold_runs order by id desc limit 1`);
  return run ?? null;
}
