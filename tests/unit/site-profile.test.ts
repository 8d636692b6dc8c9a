import { describe, expect, it } from "vitest";
import type { RatingWindow } from "@/server/ratings/scoring/policy";
import {
  SINE_DAY,
  SITE_PROFILE_PARAMS,
  ageBucket,
  exposureWindows,
  learnSiteProfile,
  learningPeriod,
  summarizeSite,
  withSiteProfiles,
  type PostActivity,
  type SiteSummary,
} from "@/server/ratings/scoring/site-profile";
import { RatingSimulator } from "@/server/ratings/simulate";
import { mulberry32 } from "../support/random";
import { histogramOf, W } from "../support/windows";

const DAY = 86_400;
const HOUR = 3600;
const D = 20 * DAY;

/** A summary with `hourCounts` and `posts` posts first rated 2 days before D, each with these bucket counts. */
function summary(hourCounts: number[], posts: PostActivity[]): SiteSummary {
  return { day: D, hourCounts, posts };
}

const flat = (perHour: number) => new Array<number>(24).fill(perHour);

/** A post first rated `daysBefore` days before D that received `rate` ratings per window in every bucket. */
function steadyPost(rate: number, daysBefore = 2): PostActivity {
  const first = D - daysBefore * DAY;
  const { from, to } = learningPeriod(D);
  return {
    first,
    bucketCounts: [0, 1, 2, 3, 4].map(
      (b) => rate * exposureWindows(first, b, from, to, W, SITE_PROFILE_PARAMS),
    ),
  };
}

describe("site profile learner", () => {
  it("learns the daily shape: share per UTC hour, smoothed, averaging 1, with a floor", () => {
    // Every rating of the week in 17–19 UTC.
    const hours = flat(0);
    hours[17] = 30_000;
    hours[18] = 60_000;
    hours[19] = 30_000;
    const profile = learnSiteProfile(summary(hours, []), W)!;
    const shape = profile.dailyShape;
    expect(shape.reduce((a, b) => a + b, 0) / 24).toBeCloseTo(1, 12);
    expect(shape.indexOf(Math.max(...shape))).toBe(18);
    // Smoothed: the hours next to the busy ones carry some of them.
    expect(shape[16]!).toBeGreaterThan(shape[10]!);
    // Floored: the quiet hours are not taken as empty (a floor of 0.25 before normalising).
    const quiet = Math.min(...shape);
    expect(quiet).toBeGreaterThan(0.1);
    expect(quiet).toBeLessThan(SITE_PROFILE_PARAMS.shapeFloor);
    // The constant shape peaks at 05–06 UTC; the learned one is at its floor there.
    expect(shape[5]).toBe(quiet);
  });

  it("keeps the constant shape when the days before had too few ratings to learn one", () => {
    const hours = flat(0);
    hours[18] = SITE_PROFILE_PARAMS.minShapeRatings - 1;
    expect(learnSiteProfile(summary(hours, []), W)!.dailyShape).toEqual([...SINE_DAY]);
    hours[18] += 1;
    expect(learnSiteProfile(summary(hours, []), W)!.dailyShape).not.toEqual([...SINE_DAY]);
  });

  it("learns a bucket's rate from the quiet majority: a viral post cannot raise it", () => {
    const quiet = Array.from({ length: 40 }, (_, i) => steadyPost(0.05 + (i % 5) * 0.01));
    const base = learnSiteProfile(summary(flat(100), quiet), W)!;
    const withViral = learnSiteProfile(summary(flat(100), [...quiet, steadyPost(50), steadyPost(80)]), W)!;
    for (let b = 0; b < 5; b++) {
      expect(base.ageRates[b]!).toBeGreaterThan(0.05 - 1e-9);
      expect(base.ageRates[b]!).toBeLessThan(0.07);
      // Two viral posts among 42 stay above the typical share: the rate moves by less than a quiet post's spread.
      expect(Math.abs(withViral.ageRates[b]! - base.ageRates[b]!)).toBeLessThan(0.01);
    }
    // The plain mean would have been several ratings per window.
    expect(withViral.ageRates[0]!).toBeLessThan(0.1);
  });

  it("learns nothing for a bucket seen on too few posts, and no profile from an empty week", () => {
    const few = Array.from({ length: SITE_PROFILE_PARAMS.minPosts - 1 }, () => steadyPost(0.1));
    expect(learnSiteProfile(summary(flat(10), few), W)!.ageRates).toEqual([null, null, null, null, null]);
    expect(learnSiteProfile(summary(flat(0), []), W)).toBeNull();
  });

  it("summarises windows: before the day only, the first window defines the age and counts nowhere", () => {
    const windows: RatingWindow[] = [
      { start: D - 3 * HOUR, counts: histogramOf([4, 4]) }, // first: defines the age
      { start: D - 3 * HOUR + 5 * 60 * 2, counts: histogramOf([3]) }, // 10 min old
      { start: D - 3 * HOUR + 30 * 60, counts: histogramOf([5, 1]) }, // 30 min old
      { start: D - HOUR, counts: histogramOf([2]) }, // 2 h old
      { start: D + 60 * W, counts: histogramOf([0, 0, 0]) }, // the day itself: not learned from
    ];
    const s = summarizeSite(D, [windows]);
    expect(s.posts).toEqual([{ first: D - 3 * HOUR, bucketCounts: [1, 2, 1, 0, 0] }]);
    expect(s.hourCounts.reduce((a, b) => a + b, 0)).toBe(6);
    expect(s.hourCounts[21]).toBe(5);
    expect(ageBucket(0)).toBe(0);
    expect(ageBucket(900)).toBe(1);
    expect(ageBucket(30 * DAY)).toBe(4);
  });

  it("attaches each window's own day's profile, and nothing where none was learned", () => {
    const profile = learnSiteProfile(summary(flat(10), []), W)!;
    const windows: RatingWindow[] = [
      { start: D - W, counts: histogramOf([4]) },
      { start: D, counts: histogramOf([4]) },
    ];
    const attached = withSiteProfiles(windows, new Map([[D, profile]]));
    expect(attached[0]!.site).toBeUndefined();
    expect(attached[1]!.site).toBe(profile);
  });
});

describe("steady policy with a learned profile", () => {
  /** A site (one post) whose traffic peaks at 18 UTC, 1 + 0.8·sin: the constant shape's trough. */
  const shapeAt = (t: number) => 1 + 0.8 * Math.sin((2 * Math.PI * (t - 12 * HOUR)) / DAY);

  function poisson(random: () => number, lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    for (let p = random(); p > limit; p *= random()) k += 1;
    return k;
  }
  const normal = (random: () => number) =>
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

  it("holds a campaign in the site's learned quiet hours that the constant shape takes as its busiest", () => {
    for (const seed of [11, 12, 13]) {
      const random = mulberry32(seed);
      const events: { t: number; user: string; score: number; legit: boolean }[] = [];
      // Two days of organic history at 2 a window (stars round(4 + N(0, 1.2))), then from 03 UTC
      // on the third day 1–2 stars at 0.83 a window on top: ~0.4 of the organic volume at that hour
      // as learned, ~0.3 of what the constant shape (1.5× the mean at 03–09 UTC) expects.
      for (let t = D - 2 * DAY; t < D + 9 * HOUR; t += W) {
        for (let k = poisson(random, 2 * shapeAt(t)); k > 0; k--) {
          const score = Math.min(5, Math.max(0, Math.round(4 + 1.2 * normal(random))));
          events.push({ t: t + random() * W, user: `u${events.length}`, score, legit: true });
        }
        if (t < D + 3 * HOUR) continue;
        for (let k = poisson(random, 0.83); k > 0; k--)
          events.push({
            t: t + random() * W,
            user: `a${events.length}`,
            score: 1 + Math.floor(random() * 2),
            legit: false,
          });
      }
      events.sort((a, b) => a.t - b.t);
      const legit = events.filter((e) => e.legit);
      const truth = legit.reduce((sum, e) => sum + e.score, 0) / legit.length;
      const error = (learnSiteProfiles: boolean) => {
        // The rest of the site rates on the same cycle: 60,000 ratings a week, enough to learn it.
        const background = (day: number) => ({
          day,
          hourCounts: Array.from({ length: 24 }, (_, h) => Math.round(2500 * shapeAt(h * HOUR + HOUR / 2))),
          posts: [],
        });
        const simulator = new RatingSimulator("steady", W, { learnSiteProfiles, background });
        for (const e of events) simulator.submit({ t: e.t, user: e.user, post: "p", score: e.score });
        return {
          error: Math.abs(simulator.score("p").score! - truth),
          profile: simulator.siteProfiles().get(D),
        };
      };
      const constant = error(false);
      const learned = error(true);
      expect(learned.profile!.dailyShape[5]!).toBeLessThan(0.5);
      expect(SINE_DAY[5]!).toBeGreaterThan(1.4);
      expect(constant.error).toBeGreaterThan(0.08);
      expect(learned.error).toBeLessThan(0.03);
    }
  });
});
