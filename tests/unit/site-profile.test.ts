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
import { EVENT_TIME, SCENARIOS, WINDOW_SECONDS, generate, siteBackground } from "@/bench/scenarios";
import { RatingSimulator } from "@/server/ratings/simulate";
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
    bucketCounts: [0, 1, 2, 3, 4].map((b) => rate * exposureWindows(first, b, from, to, W, SITE_PROFILE_PARAMS)),
  };
}

describe("site profile learner", () => {
  it("learns the daily shape: share per UTC hour, smoothed, averaging 1, with a floor", () => {
    // Every rating of the week in 17–19 UTC.
    const hours = flat(0);
    hours[17] = 3000;
    hours[18] = 6000;
    hours[19] = 3000;
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

  it("leans on the constant shape when the days before had few ratings", () => {
    const hours = flat(0);
    hours[18] = 24;
    const shape = learnSiteProfile(summary(hours, []), W)!.dailyShape;
    for (let h = 0; h < 24; h++) expect(Math.abs(shape[h]! - SINE_DAY[h]!)).toBeLessThan(h >= 17 && h <= 19 ? 1 : 0.15);
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
  it("holds a campaign in the site's learned quiet hours that the constant shape takes as its busiest", () => {
    // The bench's off-peak site: traffic peaks at 18 UTC; 1–2 stars over 03–09 UTC, its quiet hours.
    const scenario = SCENARIOS.find((s) => s.name === "off-peak-campaign")!;
    const seed = 1000;
    const { events } = generate(scenario, seed);
    const end = EVENT_TIME + 9 * HOUR;
    const displacement = (learnSiteProfiles: boolean) => {
      const simulator = new RatingSimulator("steady", WINDOW_SECONDS, {
        background: siteBackground(scenario, seed),
        learnSiteProfiles,
      });
      const current = new Map<string, { score: number; legit: boolean }>();
      let worst = 0;
      let closing = EVENT_TIME;
      for (const e of events) {
        if (e.t >= end) break;
        if (e.t >= closing + WINDOW_SECONDS && e.t >= EVENT_TIME) {
          const legit = [...current.values()].filter((r) => r.legit);
          const truth = legit.reduce((sum, r) => sum + r.score, 0) / legit.length;
          worst = Math.max(worst, Math.abs(simulator.score("p").score! - truth));
          closing = Math.floor(e.t / WINDOW_SECONDS) * WINDOW_SECONDS;
        }
        simulator.submit({ t: e.t, user: e.user, post: "p", score: e.score });
        current.set(e.user, { score: e.score, legit: e.legit });
      }
      return { worst, profile: simulator.siteProfiles().get(EVENT_TIME) };
    };
    const learned = displacement(true);
    const constant = displacement(false);
    // The learned shape has the site's trough where the constant shape has its peak.
    expect(learned.profile!.dailyShape[5]!).toBeLessThan(0.5);
    expect(SINE_DAY[5]!).toBeGreaterThan(1.4);
    expect(constant.worst).toBeGreaterThan(0.08);
    expect(learned.worst).toBeLessThan(constant.worst / 3);
  });
});
