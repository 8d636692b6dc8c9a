// What the engine is doing right now, read from the database: the one source for the metrics
// endpoint, the readiness check and the operator page, so they always agree.
import { sql } from "drizzle-orm";
import { APPLICATION_NAME, isoTimestamp, rows, type Db, type DbHandle } from "@/db/client";
import { serverConfig } from "@/server/env";
import type { CorrectionReport } from "@/server/ratings/correction";
import { foldBacklog } from "@/server/ratings/fold";
import { lastFoldRun, type FoldRun } from "./fold-runs";

type Driver = DbHandle["driver"];

export type EngineStatus = {
  /** Ratings not folded yet, and the age of the oldest of them in seconds (the fold lag). */
  pending: number;
  lagSeconds: number;
  heldPosts: number;
  heldWeight: number;
  lastFold: FoldRun | null;
  lastCorrection: CorrectionReport | null;
  /** poolSize: connections this process may open (1 for embedded PGlite). */
  database: { driver: Driver; poolSize: number; connections: Record<string, number> };
};

async function lastCorrection(db: Db): Promise<CorrectionReport | null> {
  const [report] = await rows<CorrectionReport>(
    db,
    sql`select ${isoTimestamp(sql`started_at`)} as "startedAt", ${isoTimestamp(sql`finished_at`)} as "finishedAt",
               policy, window_seconds as "windowSeconds", posts_checked as "postsChecked",
               posts_drifted as "postsDrifted", windows_repaired as "windowsRepaired",
               ratings_remarked as "ratingsRemarked", max_score_difference as "maxScoreDifference",
               max_count_difference as "maxCountDifference", duration_ms as "durationMs"
        from correction_reports order by id desc limit 1`,
  );
  return report ?? null;
}

/** The app's connections by state, as Postgres sees them; PGlite is one in-process connection. */
async function connections(db: Db, driver: Driver): Promise<Record<string, number>> {
  if (driver === "pglite") return { active: 1 };
  const found = await rows<{ state: string | null; n: number }>(
    db,
    sql`select state, count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name = ${APPLICATION_NAME}
        group by state`,
  );
  return Object.fromEntries(found.map((row) => [row.state ?? "unknown", row.n]));
}

export async function readEngineStatus(db: Db, driver: Driver): Promise<EngineStatus> {
  const backlog = await foldBacklog(db);
  const [held] = await rows<{ posts: number; weight: number }>(
    db,
    sql`select count(*)::int as posts, coalesce(sum(held_count), 0)::float8 as weight from posts where held_count > 0`,
  );
  return {
    ...backlog,
    heldPosts: held?.posts ?? 0,
    heldWeight: held?.weight ?? 0,
    lastFold: await lastFoldRun(db),
    lastCorrection: await lastCorrection(db),
    database: {
      driver,
      poolSize: driver === "pglite" ? 1 : serverConfig().database.poolSize,
      connections: await connections(db, driver),
    },
  };
}
