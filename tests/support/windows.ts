import type { Histogram } from "@/server/ratings/scoring/histogram";
import type { RatingWindow } from "@/server/ratings/scoring/policy";
import {
  DEFAULT_STEADY_PARAMS,
  createSteadyPolicy,
  type SteadyParams,
} from "@/server/ratings/scoring/steady";

export const W = 120;

export function histogramOf(scores: number[]): Histogram {
  const h: Histogram = [0, 0, 0, 0, 0, 0];
  for (const s of scores) h[s] = (h[s] ?? 0) + 1;
  return h;
}

/** Organic windows: about `perWindow` ratings each (0 to 2×), stars round(quality + noise). */
export function organic(
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

/** The steady policy with some parameters changed, run over windows; returns its displayed score and explanation. */
export function runSteady(windows: RatingWindow[], params: Partial<SteadyParams> = {}) {
  const policy = createSteadyPolicy({ ...DEFAULT_STEADY_PARAMS, ...params });
  let state = policy.initial();
  for (const w of windows) state = policy.step(state, w, W);
  return { score: policy.score(state), steadiness: policy.steadiness(state) };
}
