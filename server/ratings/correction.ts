import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "./config";
import { lockEngine } from "./engine-lock";
import { recordCorrection } from "@/server/telemetry/metrics";
import { inSpan } from "@/server/telemetry/tracing";
import { runFold } from "./fold";
import { repairRaterCounts } from "./rater-counts";
import { summarize } from "./scoring/engine";
import type { RatingWindow } from "./scoring/policy";
import { scorePosts } from "./scoring/windows";
import { loadWindows, repairWindows, saveScores, windowsOfRatings } from "./window-store";
import { learnSiteProfile, profileDifference, utcDay, withSiteProfilesByPost } from "./scoring/site-profile";
import { loadSiteProfiles, siteSummary, storedSiteProfile } from "./site-profile-store";
import { pagesChanged } from "@/server/posts/page-cache";

export type CorrectionReport = {
  startedAt: string;
  finishedAt: string;
  policy: string;
  windowSeconds: number;
  postsChecked: number;
  /** Posts whose stored windows, count, live rater count or score differed from a recompute of what they should hold. */
  postsDrifted: number;
  /** Window rows rewritten to match the ratings as they are now (includes ratings not folded yet). */
  windowsRepaired: number;
  ratingsRemarked: number;
  maxScoreDifference: number;
  maxCountDifference: number;
  /**
   * Today's stored site profile against one learned again from the ratings as they are now: 0
   * unless ratings of the learning days changed after the profile was frozen (null: none stored).
   */
  profileDifference: number | null;
  durationMs: number;
};

function scoreDifference(a: number | null, b: number | null): number {
  if (a === null && b === null) return 0;
  if (a === null || b === null) return 5;
  return Math.abs(a - b);
}

/**
 * Posts whose stored windows differ from the recomputed ones: a window missing, extra, or counted
 * otherwise (its stars or its cross-post flagged stars).
 */
function postsWithDifferentWindows(
  truth: ReadonlyMap<number, readonly RatingWindow[]>,
  stored: ReadonlyMap<number, readonly RatingWindow[]>,
): Set<number> {
  const differing = new Set<number>();
  const same = (a: readonly RatingWindow[], b: readonly RatingWindow[]) =>
    a.length === b.length &&
    a.every(
      (w, i) =>
        w.start === b[i]!.start &&
        w.counts.every((c, s) => c === b[i]!.counts[s]) &&
        (w.flagged ?? [0, 0, 0, 0, 0, 0]).every((c, s) => c === (b[i]!.flagged?.[s] ?? 0)),
    );
  for (const id of new Set([...truth.keys(), ...stored.keys()])) {
    if (!same(truth.get(id) ?? [], stored.get(id) ?? [])) differing.add(id);
  }
  return differing;
}

type ChunkResult = Omit<
  CorrectionReport,
  "startedAt" | "finishedAt" | "policy" | "windowSeconds" | "durationMs" | "profileDifference"
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
    const range = { from, to };
    // Every window is scored against the stored profile of its own day, as the fold scored it.
    const profiles = await loadSiteProfiles(tx);
    const score = (windows: ReadonlyMap<number, readonly RatingWindow[]>) =>
      scorePosts(
        ids,
        new Map(),
        withSiteProfilesByPost(windows, profiles),
        config.policy,
        config.windowSeconds,
      );

    // 1. What the aggregates should hold, given what every row says it was folded as.
    const foldedTruth = await windowsOfRatings(tx, range, "folded", config.windowSeconds);
    const stored = await loadWindows(tx, range);
    const expected = new Map(score(foldedTruth).map((p) => [p.postId, summarize(p.final)]));
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

    // The live rater counts, checked and repaired against the ratings as they are now.
    for (const [id, difference] of await repairRaterCounts(tx, range)) {
      drifted.add(id);
      maxCountDifference = Math.max(maxCountDifference, Math.abs(difference));
    }

    // 2. Bring the windows to the ratings as they are now, marking the rows folded to what was read.
    const repair = await repairWindows(tx, range, config.windowSeconds);

    // 3. Re-score every post in the range from scratch on the repaired windows.
    await saveScores(tx, score(await loadWindows(tx, range)));

    return {
      postsChecked: posts.length,
      postsDrifted: drifted.size,
      windowsRepaired: repair.repaired,
      ratingsRemarked: repair.remarked,
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
  options: { chunkSize?: number; onProgress?: (message: string) => void; now?: Date } = {},
): Promise<CorrectionReport> {
  return inSpan("correction", { "steadystar.policy": config.policy }, async (span) => {
    const report = await correctAll(db, config, options);
    span?.setAttributes({
      "steadystar.correction.posts_checked": report.postsChecked,
      "steadystar.correction.posts_drifted": report.postsDrifted,
      "steadystar.correction.max_score_difference": report.maxScoreDifference,
    });
    recordCorrection(report);
    if (report.postsDrifted > 0) pagesChanged();
    return report;
  });
}

async function correctAll(
  db: Db,
  config: EngineConfig,
  options: { chunkSize?: number; onProgress?: (message: string) => void; now?: Date },
): Promise<CorrectionReport> {
  const startedAt = new Date();
  const started = performance.now();
  // The fold also makes sure of today's site profile, so the correction never scores a day without one.
  await runFold(db, config, { onProgress: options.onProgress, now: options.now });
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
  const today = utcDay((options.now ?? startedAt).getTime() / 1000);
  const stored = await storedSiteProfile(db, today);
  const profileDrift = stored
    ? profileDifference(
        stored,
        learnSiteProfile(await siteSummary(db, today, "ratings", config.windowSeconds), config.windowSeconds),
      )
    : null;
  const report: CorrectionReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    policy: config.policy,
    windowSeconds: config.windowSeconds,
    ...total,
    profileDifference: profileDrift,
    durationMs: Math.round(performance.now() - started),
  };
  await rows(
    db,
    sql`insert into correction_reports (started_at, finished_at, policy, window_seconds, posts_checked, posts_drifted,
          windows_repaired, ratings_remarked, max_score_difference, max_count_difference, profile_difference, duration_ms)
        values (${report.startedAt}, ${report.finishedAt}, ${report.policy}, ${report.windowSeconds}, ${report.postsChecked},
          ${report.postsDrifted}, ${report.windowsRepaired}, ${report.ratingsRemarked}, ${report.maxScoreDifference},
          ${report.maxCountDifference}, ${report.profileDifference}, ${report.durationMs})`,
  );
  return report;
}
