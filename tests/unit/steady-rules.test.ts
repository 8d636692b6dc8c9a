import { describe, expect, it } from "vitest";
import { initialState, replay, summarize, type EngineState } from "@/server/ratings/scoring/engine";
import type { RatingWindow } from "@/server/ratings/scoring/policy";
import { rankingScore } from "@/server/ratings/scoring/ranking";
import { mulberry32 } from "../support/random";
import { histogramOf, organic, runSteady, W } from "../support/windows";

const HOUR_WINDOWS = 3600 / W;

function zeros(count: number, from: number, windows: number): RatingWindow[] {
  return Array.from({ length: windows }, (_, i) => ({
    start: (from + i) * W,
    counts: histogramOf(Array.from({ length: count / windows }, () => 0)),
  }));
}

const meanOf = (windows: RatingWindow[]) => {
  let n = 0;
  let sum = 0;
  for (const w of windows) w.counts.forEach((c, s) => ((n += c), (sum += c * s)));
  return sum / n;
};

describe("steady policy rules", () => {
  it("long tail: protects a post with three ratings against a burst (no minimum of accepted ratings)", () => {
    const prior: RatingWindow[] = [4, 5, 4].map((s, i) => ({ start: i * 20 * W, counts: histogramOf([s]) }));
    const bombed = runSteady([...prior, ...zeros(300, 100, 5)]);
    expect(bombed.score).toBeCloseTo(13 / 3, 6);
    expect(bombed.steadiness?.rule).toEqual({ kind: "burst" });
    // With the site's expectation replaced by a generous per-post floor, the same burst passes.
    expect(
      runSteady([...prior, ...zeros(300, 100, 5)], { siteRate: 20, minBaseline: 20 }).score,
    ).toBeLessThan(1);
  });

  it("time scales: 300 zeros over 5 hours on a quiet post are held as a campaign, star by star", () => {
    const random = mulberry32(11);
    const history = organic(random, 720, 0.5, 4);
    const after = organic(random, 150, 0.5, 4, 720);
    const drip = after.map((w) => ({
      ...w,
      counts: w.counts.map((c, s) => c + (s === 0 ? 2 : 0)),
    })) as RatingWindow[];
    const legit = meanOf([...history, ...after]);
    const steady = runSteady([...history, ...drip]);
    expect(Math.abs((steady.score ?? 0) - legit)).toBeLessThan(0.4);
    expect(steady.steadiness?.rule.kind).toBe("campaign");
    // Two zeros a window is no burst on its own: without the per-star campaign test nothing holds.
    const windowsOnly = runSteady([...history, ...drip], { campaignVolume: 1e9 });
    expect(Math.abs((windowsOnly.score ?? 0) - legit)).toBeGreaterThan(1);
  });

  it("genuine change: a real drop at normal volume is followed, by the crowd's own shortfall", () => {
    const random = mulberry32(12);
    const history = [...organic(random, 720, 2, 4), ...organic(random, 720, 2, 2, 720)];
    const mean = meanOf(history);
    expect(Math.abs((runSteady(history).score ?? 0) - mean)).toBeLessThan(0.05);
    // Without the shortfall test (it can never fire) and the crowd test, the drop stays held.
    const held = runSteady(history, { shortfallMinExpected: Infinity, changeMinExcess: Infinity });
    expect(Math.abs((held.score ?? 0) - mean)).toBeGreaterThan(0.1);
  });

  it("genuine change: a viral crowd rating higher at 10× volume is followed within hours", () => {
    const random = mulberry32(13);
    const history = organic(random, 720, 2, 3.2);
    const wave = organic(random, 3 * HOUR_WINDOWS, 20, 4.4, 720);
    const after = organic(random, 3 * HOUR_WINDOWS, 2, 4.4, 720 + 3 * HOUR_WINDOWS);
    const all = [...history, ...wave, ...after];
    expect(Math.abs((runSteady(all).score ?? 0) - meanOf(all))).toBeLessThan(0.1);
  });

  it("a campaign's end does not keep capping the hours after it (the 30-minute lean)", () => {
    const random = mulberry32(14);
    const history = organic(random, 720, 2, 4);
    const campaign = organic(random, 2 * HOUR_WINDOWS, 2, 4, 720).map((w) => ({
      ...w,
      counts: w.counts.map((c, s) => c + (s === 0 ? 3 : 0)) as RatingWindow["counts"],
    }));
    const after = organic(random, 12 * HOUR_WINDOWS, 2, 4, 720 + 2 * HOUR_WINDOWS);
    const steady = runSteady([...history, ...campaign, ...after]);
    const leanless = runSteady([...history, ...campaign, ...after], { leanStars: -Infinity });
    expect(steady.steadiness?.heldCount ?? 0).toBeLessThan(leanless.steadiness?.heldCount ?? 0);
  });

  it("long tail: a burst's later windows, each too small to be significant, continue it", () => {
    // Nine ratings (mean 3.2), then 12 fives (a significant burst), then windows of five fives and
    // one organic 2★: each alone is 4.5 against 3.2 from six ratings, within noise.
    const prior: RatingWindow[] = [{ start: 0, counts: [0, 1, 3, 1, 1, 3] }];
    const push: RatingWindow[] = [
      { start: 10 * W, counts: [0, 0, 0, 0, 0, 12] },
      ...Array.from({ length: 14 }, (_, i) => ({
        start: (11 + i) * W,
        counts: [0, 0, 1, 0, 0, 5] as RatingWindow["counts"],
      })),
    ];
    const before = 29 / 9;
    const steady = runSteady([...prior, ...push]);
    expect(Math.abs((steady.score ?? 0) - before)).toBeLessThan(0.15);
    expect(steady.steadiness?.rule).toEqual({ kind: "burst" });
    // Without the continuation every later window passes and the fives move the score.
    const alone = runSteady([...prior, ...push], { burstContinuationSeconds: -1 });
    expect((alone.score ?? 0) - before).toBeGreaterThan(1);
  });

  it("long tail: a viral crowd far from a tiny post's first two ratings is taken as opinion (the reach widens by their standard error)", () => {
    const random = mulberry32(15);
    const prior: RatingWindow[] = [
      { start: 0, counts: histogramOf([1]) },
      { start: 60 * W, counts: histogramOf([1]) },
    ];
    const wave = organic(random, 10, 15, 4, 200);
    const all = [...prior, ...wave];
    // The crowd (mean ≈ 3.9, 2.9 stars from 1.0) is taken as opinion and moves the score toward it…
    expect(runSteady(all).score ?? 0).toBeGreaterThan(3);
    // …where a fixed reach holds it as a push for the whole 20 minutes.
    expect(runSteady(all, { changeReachErrors: 0 }).score).toBe(1);
  });

  it("long tail: a post's first rating does not brand the audience after it a campaign", () => {
    // The first rater gives 0★; then a polarised audience (60 % 5★, 40 % 0–1★), 0–3 a window.
    const random = mulberry32(16);
    const audience: RatingWindow[] = Array.from({ length: 6 * HOUR_WINDOWS }, (_, i) => {
      const scores = Array.from({ length: Math.floor(random() * 4) }, () =>
        random() < 0.6 ? 5 : Math.floor(random() * 2),
      );
      return { start: (1 + i) * W, counts: histogramOf(scores) };
    }).filter((w) => w.counts.some((c) => c > 0));
    const all = [
      { start: 0, counts: histogramOf([0]) },
      { start: W, counts: histogramOf([5, 5]) },
      ...audience.map((w) => ({ ...w, start: w.start + W })),
    ];
    expect(Math.abs((runSteady(all).score ?? 0) - meanOf(all))).toBeLessThan(0.15);
  });

  it("displays the plain average; ranking shrinks small counts toward 3", () => {
    expect(runSteady([{ start: 0, counts: histogramOf([5]) }]).score).toBe(5);
    expect(rankingScore(5, 1)).toBeCloseTo(20 / 6, 12);
    expect(rankingScore(5, 1)).toBeLessThan(rankingScore(4.6, 200));
    expect(rankingScore(null, 0)).toBe(-1);
  });

  it("states stored before the time scales existed resume without error", () => {
    const old = {
      ...initialState("steady"),
      inner: { ...(initialState("steady").inner as object), traffic: undefined },
    };
    const next = replay(old as EngineState, [{ start: 0, counts: histogramOf([4]) }], W).at(-1)!;
    expect(summarize(next).score).toBe(4);
  });
});
