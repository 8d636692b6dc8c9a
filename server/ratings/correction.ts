import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "./config";
import { lockEngine, windowOf } from "./engine-lock";
import { recordCorrection } from "@/server/telemetry/metrics";
import { inSpan } from "@/server/telemetry/tracing";
import { runFold } from "./fold";
import { saveScores, scorePosts, type ScoredPost } from "./rescore";
import { initialState, summarize, type EngineState } from "./scoring/engine";

export type CorrectionReport = {
  startedAt: string;
  finishedAt: string;
  policy: string;
  windowSeconds: number;
  postsChecked: number;
  /** Posts whose stored windows, count or score differed from a recompute of what they should hold. */
  postsDrifted: number;
  /** Window rows rewritten to match the ratings as they are now (includes ratings not folded yet). */
  windowsRepaired: number;
  ratingsRemarked: number;
  maxScoreDifference: number;
  maxCountDifference: number;
  durationMs: number;
};

type WindowRow = {
  post_id: number;
  start: number;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  c5: number;
};

function histogramColumns(scoreColumn: string): ReturnType<typeof sql.raw> {
  return sql.raw(
    [0, 1, 2, 3, 4, 5].map((s) => `count(*) filter (where ${scoreColumn} = ${s})::int as c${s}`).join(", "),
  );
}

function scoreDifference(a: number | null, b: number | null): number {
  if (a === null && b === null) return 0;
  if (a === null || b === null) return 5;
  return Math.abs(a - b);
}

function startsFor(ids: readonly number[], config: EngineConfig): Map<number, EngineState> {
  return new Map(ids.map((id) => [id, initialState(config.policy)]));
}

/** Posts whose stored windows differ from the recomputed ones: a window missing, extra, or counted otherwise. */
function postsWithDifferentWindows(truth: readonly WindowRow[], stored: readonly WindowRow[]): Set<number> {
  const key = (w: WindowRow) => `${w.post_id}@${Number(w.start)}`;
  const counts = (w: WindowRow) => `${w.c0},${w.c1},${w.c2},${w.c3},${w.c4},${w.c5}`;
  const expected = new Map(truth.map((w) => [key(w), counts(w)]));
  const differing = new Set<number>();
  for (const w of stored) {
    if (expected.get(key(w)) !== counts(w)) differing.add(w.post_id);
    expected.delete(key(w));
  }
  for (const w of truth) if (expected.has(key(w))) differing.add(w.post_id);
  return differing;
}

type ChunkResult = Omit<
  CorrectionReport,
  "startedAt" | "finishedAt" | "policy" | "windowSeconds" | "durationMs"
>;

/**
 * Checks and repairs the posts with ids in [from, to), in one transaction:
 * 1. recompute, from the ratings alone, the windows the stored aggregates should hold (each row
 *    as last folded) and the score those windows give; any difference from what is stored is drift;
 * 2. rewrite the windows to match the ratings as they are now, marking every row folded to the
 *    values read; 3. re-score every post in the range from its first window.
 */
async function correctChunk(db: Db, config: EngineConfig, from: number, to: number): Promise<ChunkResult> {
  return db.transaction(async (tx) => {
    await lockEngine(tx);
    const posts = await rows<{ id: number; score: number | null; rating_count: number }>(
      tx,
      sql`select id, score, rating_count from posts where id >= ${from} and id < ${to} order by id`,
    );
    if (posts.length === 0) {
      return {
        postsChecked: 0,
        postsDrifted: 0,
        windowsRepaired: 0,
        ratingsRemarked: 0,
        maxScoreDifference: 0,
        maxCountDifference: 0,
      };
    }
    const ids = posts.map((p) => p.id);

    // 1. What the aggregates should hold, given what every row says it was folded as.
    const foldedTruth = await rows<WindowRow>(
      tx,
      sql`select post_id, extract(epoch from ${windowOf(sql`folded_at`, config.windowSeconds)})::float8 as start, ${histogramColumns("folded_score")}
          from ratings where post_id >= ${from} and post_id < ${to} and folded_score is not null
          group by 1, 2 order by 1, 2`,
    );
    const stored = await rows<WindowRow>(
      tx,
      sql`select post_id, extract(epoch from window_start)::float8 as start, c0, c1, c2, c3, c4, c5
          from rating_windows where post_id >= ${from} and post_id < ${to}`,
    );
    const expected = new Map(
      scorePosts(startsFor(ids, config), foldedTruth, config).map((p) => [p.postId, summarize(p.final)]),
    );
    const drifted = postsWithDifferentWindows(foldedTruth, stored);
    let maxScoreDifference = 0;
    let maxCountDifference = 0;
    for (const post of posts) {
      const truth = expected.get(post.id);
      const scoreDiff = scoreDifference(post.score, truth?.score ?? null);
      const countDiff = Math.abs(post.rating_count - (truth?.count ?? 0));
      if (!Object.is(post.score, truth?.score ?? null) || countDiff !== 0) drifted.add(post.id);
      maxScoreDifference = Math.max(maxScoreDifference, scoreDiff);
      maxCountDifference = Math.max(maxCountDifference, countDiff);
    }

    // 2. Bring the windows to the ratings as they are now, in one statement (one snapshot), and
    //    mark the rows folded to exactly the values that statement read.
    const [repair] = await rows<{ repaired: number; remarked: number }>(
      tx,
      sql`with truth as (
            select post_id, ${windowOf(sql`updated_at`, config.windowSeconds)} as ws, ${histogramColumns("score")}
            from ratings where post_id >= ${from} and post_id < ${to} group by 1, 2
          ),
          stored as (select post_id, window_start as ws, c0, c1, c2, c3, c4, c5 from rating_windows where post_id >= ${from} and post_id < ${to}),
          diff as (
            select coalesce(t.post_id, s.post_id) as post_id, coalesce(t.ws, s.ws) as ws, t.post_id is null as gone,
                   t.c0, t.c1, t.c2, t.c3, t.c4, t.c5
            from truth t full join stored s on t.post_id = s.post_id and t.ws = s.ws
            where t.post_id is null or s.post_id is null
               or (t.c0, t.c1, t.c2, t.c3, t.c4, t.c5) is distinct from (s.c0, s.c1, s.c2, s.c3, s.c4, s.c5)
          ),
          upserted as (
            insert into rating_windows as w (post_id, window_start, c0, c1, c2, c3, c4, c5)
            select post_id, ws, c0, c1, c2, c3, c4, c5 from diff where not gone
            on conflict (post_id, window_start) do update
              set c0 = excluded.c0, c1 = excluded.c1, c2 = excluded.c2, c3 = excluded.c3, c4 = excluded.c4, c5 = excluded.c5
            returning 1
          ),
          deleted as (
            delete from rating_windows w using diff d
            where d.gone and w.post_id = d.post_id and w.window_start = d.ws
            returning 1
          ),
          remarked as (
            update ratings r set folded_score = s.score, folded_at = s.updated_at
            from (select post_id, user_id, score, updated_at from ratings
                  where post_id >= ${from} and post_id < ${to}
                    and (folded_at is distinct from updated_at or folded_score is distinct from score)) s
            where r.post_id = s.post_id and r.user_id = s.user_id
            returning 1
          )
          select (select count(*)::int from upserted) + (select count(*)::int from deleted) as repaired,
                 (select count(*)::int from remarked) as remarked`,
    );

    // 3. Re-score every post in the range from scratch on the repaired windows.
    const windows = await rows<WindowRow>(
      tx,
      sql`select post_id, extract(epoch from window_start)::float8 as start, c0, c1, c2, c3, c4, c5
          from rating_windows where post_id >= ${from} and post_id < ${to} order by post_id, window_start`,
    );
    const rescored: ScoredPost[] = scorePosts(startsFor(ids, config), windows, config);
    await saveScores(tx, rescored);

    return {
      postsChecked: posts.length,
      postsDrifted: drifted.size,
      windowsRepaired: repair?.repaired ?? 0,
      ratingsRemarked: repair?.remarked ?? 0,
      maxScoreDifference,
      maxCountDifference,
    };
  });
}

/**
 * The nightly correction: folds what is pending, then recomputes every post's windows and score
 * from the ratings alone, records the drift it finds, repairs it, and stores the report.
 */
export async function runCorrection(
  db: Db,
  config: EngineConfig,
  options: { chunkSize?: number; onProgress?: (message: string) => void } = {},
): Promise<CorrectionReport> {
  return inSpan("correction", { "steadystar.policy": config.policy }, async (span) => {
    const report = await correctAll(db, config, options);
    span?.setAttributes({
      "steadystar.correction.posts_checked": report.postsChecked,
      "steadystar.correction.posts_drifted": report.postsDrifted,
      "steadystar.correction.max_score_difference": report.maxScoreDifference,
    });
    recordCorrection(report);
    return report;
  });
}

async function correctAll(
  db: Db,
  config: EngineConfig,
  options: { chunkSize?: number; onProgress?: (message: string) => void },
): Promise<CorrectionReport> {
  const startedAt = new Date();
  const started = performance.now();
  await runFold(db, config, { onProgress: options.onProgress });
  const [range] = await rows<{ lo: number | null; hi: number | null }>(
    db,
    sql`select min(id) as lo, max(id) as hi from posts`,
  );
  const total: ChunkResult = {
    postsChecked: 0,
    postsDrifted: 0,
    windowsRepaired: 0,
    ratingsRemarked: 0,
    maxScoreDifference: 0,
    maxCountDifference: 0,
  };
  const chunk = options.chunkSize ?? 1000;
  if (range?.lo != null && range.hi != null) {
    for (let from = range.lo; from <= range.hi; from += chunk) {
      const part = await inSpan("correction chunk", { "steadystar.correction.from": from }, () =>
        correctChunk(db, config, from, from + chunk),
      );
      total.postsChecked += part.postsChecked;
      total.postsDrifted += part.postsDrifted;
      total.windowsRepaired += part.windowsRepaired;
      total.ratingsRemarked += part.ratingsRemarked;
      total.maxScoreDifference = Math.max(total.maxScoreDifference, part.maxScoreDifference);
      total.maxCountDifference = Math.max(total.maxCountDifference, part.maxCountDifference);
      options.onProgress?.(`checked ${total.postsChecked} posts, ${total.postsDrifted} drifted`);
    }
  }
  const report: CorrectionReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    policy: config.policy,
    windowSeconds: config.windowSeconds,
    ...total,
    durationMs: Math.round(performance.now() - started),
  };
  await rows(
    db,
    sql`insert into correction_reports (started_at, finished_at, policy, window_seconds, posts_checked, posts_drifted,
          windows_repaired, ratings_remarked, max_score_difference, max_count_difference, duration_ms)
        values (${report.startedAt}, ${report.finishedAt}, ${report.policy}, ${report.windowSeconds}, ${report.postsChecked},
          ${report.postsDrifted}, ${report.windowsRepaired}, ${report.ratingsRemarked}, ${report.maxScoreDifference},
          ${report.maxCountDifference}, ${report.durationMs})`,
  );
  return report;
}
