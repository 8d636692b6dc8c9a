import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { runFold } from "@/server/ratings/fold";
import type { RatingWindow } from "@/server/ratings/scoring/policy";
import { loadWindows, windowsOfRatings } from "@/server/ratings/window-store";

export type WindowTable = Record<string, number[]>;

const ALL_POSTS = { from: 0, to: 2 ** 31 - 1 };

function table(windows: ReadonlyMap<number, readonly RatingWindow[]>): WindowTable {
  return Object.fromEntries(
    [...windows].flatMap(([postId, list]) =>
      list.map((w) => [`${postId}@${w.start}`, w.flagged ? [...w.counts, ...w.flagged] : [...w.counts]]),
    ),
  );
}

/** rating_windows as stored: "post@epoch" → six counts, then the six cross-post flagged counts if any. */
export async function storedWindows(db: Db): Promise<WindowTable> {
  return table(await loadWindows(db, ALL_POSTS));
}

/** The same table recomputed from ratings alone with a GROUP BY: what the fold must produce. */
export async function recomputedWindows(db: Db, windowSeconds = 120): Promise<WindowTable> {
  return table(await windowsOfRatings(db, ALL_POSTS, "current", windowSeconds));
}

export async function storedScores(db: Db): Promise<Record<number, { score: number | null; count: number }>> {
  const found = await rows<{ id: number; score: number | null; rating_count: number }>(
    db,
    sql`select id, score, rating_count from posts`,
  );
  return Object.fromEntries(found.map((r) => [r.id, { score: r.score, count: r.rating_count }]));
}

export async function pendingCount(db: Db): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from ratings where folded_at is distinct from updated_at or folded_score is distinct from score`,
  );
  return row?.n ?? 0;
}

class SimulatedCrash extends Error {}

/**
 * One random step of a property test: a fold that dies part-way (its batch's transaction rolls
 * back whole), a complete fold in random batch sizes, or no fold.
 */
export async function maybeFold(db: Db, config: EngineConfig, random: () => number, maxBatch: number) {
  const action = random();
  if (action < 0.35) {
    let batches = 0;
    const crashAfter = 1 + Math.floor(random() * 3);
    await runFold(db, config, {
      batchSize: 1 + Math.floor(random() * (maxBatch - 5)),
      afterBatchStatement: () => {
        batches += 1;
        if (batches === crashAfter) throw new SimulatedCrash();
      },
    }).catch((error: unknown) => {
      if (!(error instanceof SimulatedCrash)) throw error;
    });
  } else if (action < 0.7) {
    await runFold(db, config, { batchSize: 1 + Math.floor(random() * maxBatch) });
  }
}
