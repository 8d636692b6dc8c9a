import { total } from "./histogram";
import type { RatingWindow } from "./policy";

/**
 * What the site expects of a post on one UTC day, learned from the windows of the days before it:
 * the site's daily shape and the volume a post of a given age typically receives. Pure: the fold,
 * the nightly correction, `npm run replay` and the manipulation bench all learn it with these
 * functions, so every path scores a window against the same profile.
 */
export type SiteProfile = {
  /** Start of the UTC day this profile applies to, Unix seconds. */
  day: number;
  /** Share of a day's ratings per UTC hour, as a multiple of the hourly mean (24 values averaging 1). */
  dailyShape: number[];
  /**
   * Per age bucket (SITE_PROFILE_PARAMS.ageBuckets): ratings per window a post of that age
   * typically receives at the hourly mean; null where too few posts were seen (the constant applies).
   */
  ageRates: (number | null)[];
};

export type SiteProfileParams = {
  /** Days before a profile's day that it learns from. */
  historyDays: number;
  /** Upper bounds (seconds since a post's first rating) of the age buckets; the last bucket is open. */
  ageBuckets: readonly number[];
  /**
   * A bucket's rate is the mean over the quietest `typicalShare` of the posts seen in it: the long
   * tail's quiet posts set the expectation, and no viral post can raise it.
   */
  typicalShare: number;
  /** Fewer posts than this in a bucket: no rate is learned for it. */
  minPosts: number;
  /** Hours on each side averaged into an hour's share (a circular moving average). */
  shapeSmoothingHours: number;
  /** No hour's share falls below this multiple of the hourly mean. */
  shapeFloor: number;
  /** Ratings' worth of the constant shape blended into the learned one. */
  shapePrior: number;
  /** A week with fewer ratings than this learns no shape: the constant one applies. */
  minShapeRatings: number;
};

export const SITE_PROFILE_PARAMS: SiteProfileParams = {
  historyDays: 7,
  ageBuckets: [15 * 60, 3600, 6 * 3600, 24 * 3600],
  typicalShare: 0.75,
  minPosts: 20,
  shapeSmoothingHours: 1,
  shapeFloor: 0.25,
  shapePrior: 2000,
  minShapeRatings: 50_000,
};

const DAY = 86_400;

/**
 * 1 + 0.5·sin over the day: the hourly shape of the benchmark's (and a typical site's) traffic,
 * what the steady policy assumes without a learned profile and the prior a thin day's shape leans on.
 */
export const SINE_DAY: readonly number[] = Array.from(
  { length: 24 },
  (_, hour) => 1 + 0.5 * Math.sin((2 * Math.PI * (hour + 0.5)) / 24),
);

export function utcDay(epochSeconds: number): number {
  return Math.floor(epochSeconds / DAY) * DAY;
}

export function utcHour(epochSeconds: number): number {
  return Math.floor((((epochSeconds % DAY) + DAY) % DAY) / 3600);
}

/** The age bucket of a window `ageSeconds` after the post's first rating. */
export function ageBucket(ageSeconds: number, params: SiteProfileParams = SITE_PROFILE_PARAMS): number {
  const i = params.ageBuckets.findIndex((upper) => ageSeconds < upper);
  return i < 0 ? params.ageBuckets.length : i;
}

/** One post active in the learning period: its first window ever, and its ratings per age bucket there. */
export type PostActivity = { first: number; bucketCounts: number[] };

/**
 * The counts a profile is learned from: ratings per UTC hour of day over the learning period, and
 * every post rated in it. Production computes this with SQL (site-profile-store.ts), the simulator
 * with `summarizeSite`; the definitions are the same.
 */
export type SiteSummary = { day: number; hourCounts: number[]; posts: PostActivity[] };

export function learningPeriod(day: number, params: SiteProfileParams = SITE_PROFILE_PARAMS) {
  return { from: day - params.historyDays * DAY, to: day };
}

/**
 * The summary for `day` from posts' windows (any range; only windows before `day` are read). A
 * post counts when it has a window in the learning period; its first window is not counted in any
 * bucket (it defines the age: every post has one).
 */
export function summarizeSite(
  day: number,
  posts: Iterable<readonly RatingWindow[]>,
  params: SiteProfileParams = SITE_PROFILE_PARAMS,
): SiteSummary {
  const { from, to } = learningPeriod(day, params);
  const hourCounts = new Array<number>(24).fill(0);
  const active: PostActivity[] = [];
  for (const windows of posts) {
    let first = Infinity;
    for (const w of windows) if (w.start < to && w.start < first) first = w.start;
    const bucketCounts = new Array<number>(params.ageBuckets.length + 1).fill(0);
    let seen = false;
    for (const w of windows) {
      if (w.start < from || w.start >= to) continue;
      const n = total(w.counts);
      if (n === 0) continue;
      seen = true;
      hourCounts[utcHour(w.start)]! += n;
      if (w.start > first) bucketCounts[ageBucket(w.start - first, params)]! += n;
    }
    if (seen) active.push({ first, bucketCounts });
  }
  return { day, hourCounts, posts: active };
}

/** Windows of a bucket that lie after a post's first window and inside the learning period; 0: not observed whole. */
export function exposureWindows(
  first: number,
  bucket: number,
  from: number,
  to: number,
  windowSeconds: number,
  params: SiteProfileParams,
): number {
  const lower = bucket === 0 ? windowSeconds : params.ageBuckets[bucket - 1]!;
  const upper = params.ageBuckets[bucket];
  if (upper === undefined) {
    // The open bucket: at least a whole day of it observed.
    const start = Math.max(from, first + lower);
    return to - start >= DAY ? (to - start) / windowSeconds : 0;
  }
  if (first + lower < from || first + upper > to) return 0;
  return Math.ceil(upper / windowSeconds) - Math.ceil(lower / windowSeconds);
}

function smoothShape(hourCounts: readonly number[], fallback: readonly number[], params: SiteProfileParams) {
  if (hourCounts.reduce((a, b) => a + b, 0) < params.minShapeRatings) return [...fallback];
  const k = params.shapeSmoothingHours;
  const smoothed = hourCounts.map((_, h) => {
    let sum = 0;
    for (let d = -k; d <= k; d++) sum += hourCounts[(h + d + 24) % 24]!;
    return sum / (2 * k + 1);
  });
  const count = smoothed.reduce((a, b) => a + b, 0);
  const blended = smoothed.map(
    (c, h) => (24 * (c + (params.shapePrior * (fallback[h] ?? 1)) / 24)) / (count + params.shapePrior),
  );
  const floored = blended.map((x) => Math.max(params.shapeFloor, x));
  const meanShare = floored.reduce((a, b) => a + b, 0) / 24;
  return floored.map((x) => x / meanShare);
}

/**
 * Learns the profile of `summary.day`. A period without a single rating learns nothing: null, and
 * the steady policy's constants apply.
 */
export function learnSiteProfile(
  summary: SiteSummary,
  windowSeconds: number,
  fallbackShape: readonly number[] = SINE_DAY,
  params: SiteProfileParams = SITE_PROFILE_PARAMS,
): SiteProfile | null {
  if (summary.hourCounts.every((c) => c === 0)) return null;
  const { from, to } = learningPeriod(summary.day, params);
  const ageRates = Array.from({ length: params.ageBuckets.length + 1 }, (_, bucket) => {
    const rates: number[] = [];
    for (const post of summary.posts) {
      const exposure = exposureWindows(post.first, bucket, from, to, windowSeconds, params);
      if (exposure > 0) rates.push(post.bucketCounts[bucket]! / exposure);
    }
    if (rates.length < params.minPosts) return null;
    rates.sort((a, b) => a - b);
    const typical = rates.slice(0, Math.max(1, Math.ceil(params.typicalShare * rates.length)));
    return typical.reduce((a, b) => a + b, 0) / typical.length;
  });
  return { day: summary.day, dailyShape: smoothShape(summary.hourCounts, fallbackShape, params), ageRates };
}

/** Profiles by the UTC day they apply to. */
export type SiteProfileBook = ReadonlyMap<number, SiteProfile>;

/** The windows with the profile of each one's own day attached (none where the book has none). */
export function withSiteProfiles(windows: readonly RatingWindow[], book: SiteProfileBook): RatingWindow[] {
  if (book.size === 0) return [...windows];
  return windows.map((w) => {
    const site = book.get(utcDay(w.start));
    return site ? { ...w, site } : w;
  });
}

/** The same for every post of a map. */
export function withSiteProfilesByPost(
  windows: ReadonlyMap<number, readonly RatingWindow[]>,
  book: SiteProfileBook,
): Map<number, RatingWindow[]> {
  return new Map([...windows].map(([id, list]) => [id, withSiteProfiles(list, book)]));
}

/** What the site expects per window of a post `ageSeconds` old (at the hourly mean), or `fallback`. */
export function siteRateAt(
  profile: SiteProfile | undefined,
  ageSeconds: number,
  fallback: number,
  params: SiteProfileParams = SITE_PROFILE_PARAMS,
): number {
  return profile?.ageRates[ageBucket(ageSeconds, params)] ?? fallback;
}

/** The hour's multiple of the hourly mean: the profile's shape, or `fallback` without a profile. */
export function hourShapeAt(
  profile: SiteProfile | undefined,
  start: number,
  fallback: readonly number[],
): number {
  return (profile?.dailyShape ?? fallback)[utcHour(start)] ?? 1;
}

/**
 * The largest difference between two profiles of a day, over every hour's share and every age
 * bucket's rate (a bucket learned in one and not the other counts as its rate); 0 when both are absent.
 */
export function profileDifference(a: SiteProfile | null, b: SiteProfile | null): number {
  if (a === null && b === null) return 0;
  let difference = 0;
  for (let h = 0; h < 24; h++)
    difference = Math.max(difference, Math.abs((a?.dailyShape[h] ?? 1) - (b?.dailyShape[h] ?? 1)));
  const buckets = Math.max(a?.ageRates.length ?? 0, b?.ageRates.length ?? 0);
  for (let i = 0; i < buckets; i++)
    difference = Math.max(difference, Math.abs((a?.ageRates[i] ?? 0) - (b?.ageRates[i] ?? 0)));
  return difference;
}
