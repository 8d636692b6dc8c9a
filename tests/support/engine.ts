import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "@/server/ratings/config";
import { runFold } from "@/server/ratings/fold";

export type WindowTable = Record<string, number[]>;

/** rating_windows as stored: "post@epoch" → six counts. */
export async function storedWindows(db: Db): Promise<WindowTable> {
  const found = await rows<{ post_id: number; start: number; c: number[] }>(
    db,
    sql`select post_id, extract(epoch from window_start)::float8 as start, array[c0, c1, c2, c3, c4, c5] as c from rating_windows`,
  );
  return Object.fromEntries(found.map((r) => [`${r.post_id}@${r.start}`, r.c]));
}

/** The same table recomputed from ratings alone with a GROUP BY: what the fold must produce. */
export async function recomputedWindows(db: Db, windowSeconds = 120): Promise<WindowTable> {
  const found = await rows<{ post_id: number; start: number; c: number[] }>(
    db,
    sql`select post_id,
               extract(epoch from date_bin(make_interval(secs => ${windowSeconds}), updated_at, timestamptz 'epoch'))::float8 as start,
               array[count(*) filter (where score = 0), count(*) filter (where score = 1), count(*) filter (where score = 2),
                     count(*) filter (where score = 3), count(*) filter (where score = 4), count(*) filter (where score = 5)]::int[] as c
        from ratings where score is not null group by 1, 2`,
  );
  return Object.fromEntries(found.map((r) => [`${r.post_id}@${r.start}`, r.c]));
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
