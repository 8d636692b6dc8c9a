import { describe, expect, it } from "vitest";
import { initialState, replay, summarize, type EngineState } from "@/server/ratings/scoring/engine";
import type { Histogram } from "@/server/ratings/scoring/histogram";
import type { PolicyName, RatingWindow } from "@/server/ratings/scoring/policy";
import { mulberry32 } from "../support/random";

const W = 120;

function histogramOf(scores: number[]): Histogram {
  const h: Histogram = [0, 0, 0, 0, 0, 0];
  for (const s of scores) h[s] = (h[s] ?? 0) + 1;
  return h;
}

function scoreAfter(policy: PolicyName, windows: RatingWindow[]) {
  return summarize(replay(initialState(policy), windows, W).at(-1) ?? initialState(policy));
}

function organic(
  random: () => number,
  windows: number,
  perWindow: number,
  quality: number,
  from = 0,
): RatingWindow[] {
  const out: RatingWindow[] = [];
  for (let i = 0; i < windows; i++) {
    const scores: number[] = [];
    const n = Math.floor(random() * perWindow * 2 + 0.5);
    for (let k = 0; k < n; k++) {
      const noise = (random() + random() + random() - 1.5) * 2;
      scores.push(Math.min(5, Math.max(0, Math.round(quality + noise))));
    }
    if (scores.length) out.push({ start: (from + i) * W, counts: histogramOf(scores) });
  }
  return out;
}

describe("reference histories", () => {
  const windows: RatingWindow[] = [
    [4, 3, 2, 5],
    [4, 3, 1],
    [0, 1, 0, 0, 0, 1, 1, 1, 0, 1],
    [2, 3],
  ].map((scores, i) => ({
    start: i * W,
    counts: histogramOf(scores),
  }));

  it("windowed: the mean of window means is 2.29 over 19 ratings", () => {
    const summary = scoreAfter("windowed", windows);
    expect(summary.count).toBe(19);
    expect(summary.score).toBeCloseTo(2.2917, 4);
    expect(summary.score?.toFixed(2)).toBe("2.29");
  });

  it("mean: the plain mean is 1.68 over 19 ratings", () => {
    const summary = scoreAfter("mean", windows);
    expect(summary.count).toBe(19);
    expect(summary.score?.toFixed(2)).toBe("1.68");
  });

  it("every policy shows no score before any rating", () => {
    for (const policy of ["steady", "windowed", "mean"] as const)
      expect(summarize(initialState(policy)).score).toBeNull();
  });

  it("steady: a few ratings are shrunk toward the prior mean of 3", () => {
    const summary = scoreAfter("steady", [{ start: 0, counts: histogramOf([5]) }]);
    expect(summary.score).toBeCloseTo((5 * 3 + 5) / 6, 12);
    expect(summary.scoreAllIncluded).toBeCloseTo((5 * 3 + 5) / 6, 12);
  });
});

describe("steady policy", () => {
  it("follows ordinary traffic like the mean does", () => {
    const history = organic(mulberry32(1), 720, 2, 3.8);
    const steady = scoreAfter("steady", history);
    const mean = scoreAfter("mean", history);
    expect(steady.steadiness).toBeNull();
    expect(Math.abs((steady.score ?? 0) - (mean.score ?? 0))).toBeLessThan(0.02);
  });

  it("holds a burst of 300 zeros aside and says so, while the mean drops", () => {
    const random = mulberry32(2);
    const history = organic(random, 720, 2, 4);
    const bomb = Array.from({ length: 5 }, (_, i) => ({
      start: (720 + i) * W,
      counts: histogramOf(Array(60).fill(0)),
    }));
    const after = organic(random, 30, 2, 4, 725);
    const before = scoreAfter("steady", history).score ?? 0;
    const steady = scoreAfter("steady", [...history, ...bomb, ...after]);
    const mean = scoreAfter("mean", [...history, ...bomb, ...after]);
    expect(Math.abs((steady.score ?? 0) - before)).toBeLessThan(0.05);
    expect((scoreAfter("mean", history).score ?? 0) - (mean.score ?? 0)).toBeGreaterThan(0.5);
    expect(steady.steadiness?.heldCount).toBeGreaterThan(250);
    expect(steady.steadiness?.heldMean).toBeLessThan(0.5);
    expect(steady.steadiness?.heldSince).toBe(720 * W);
    // "Include all ratings" shows what the plain data says.
    expect(steady.scoreAllIncluded).toBeLessThan((steady.score ?? 0) - 0.5);
    expect(steady.count).toBe(mean.count);
  });

  it("follows a real change of opinion at normal volume", () => {
    const random = mulberry32(3);
    const history = [...organic(random, 720, 2, 4), ...organic(random, 720, 2, 1.5, 720)];
    const steady = scoreAfter("steady", history);
    const mean = scoreAfter("mean", history);
    expect(Math.abs((steady.score ?? 0) - (mean.score ?? 0))).toBeLessThan(0.05);
  });

  it("resumes from any stored state bit for bit, through JSON", () => {
    const random = mulberry32(4);
    const history = [
      ...organic(random, 300, 3, 3.5),
      ...Array.from({ length: 4 }, (_, i) => ({
        start: (300 + i) * W,
        counts: histogramOf(Array(80).fill(5)),
      })),
      ...organic(random, 300, 3, 3.5, 304),
    ];
    const whole = replay(initialState("steady"), history, W);
    for (const cut of [1, 150, 301, 303, 450]) {
      const stored = JSON.parse(JSON.stringify(whole[cut - 1])) as EngineState;
      const resumed = replay(stored, history.slice(cut), W);
      expect(JSON.stringify(resumed.at(-1))).toBe(JSON.stringify(whole.at(-1)));
    }
  });
});
