import { mean, starSum, total } from "./histogram";
import type { ScoringPolicy } from "./policy";

type WindowedState = { windows: number; sumOfMeans: number; n: number; sum: number };

/**
 * The mean of window means: every window counts once, however many ratings it holds. Resists a
 * burst inside one window, but ignores volume entirely.
 */
export const windowedPolicy: ScoringPolicy<WindowedState> = {
  name: "windowed",
  initial: () => ({ windows: 0, sumOfMeans: 0, n: 0, sum: 0 }),
  step(state, window) {
    const m = mean(window.counts);
    if (m === null) return state;
    return {
      windows: state.windows + 1,
      sumOfMeans: state.sumOfMeans + m,
      n: state.n + total(window.counts),
      sum: state.sum + starSum(window.counts),
    };
  },
  score: (state) => (state.windows === 0 ? null : state.sumOfMeans / state.windows),
  scoreAllIncluded: (state) => (state.n === 0 ? null : state.sum / state.n),
  steadiness: () => null,
};
