import { starSum, total } from "./histogram";
import type { ScoringPolicy } from "./policy";

type MeanState = { n: number; sum: number };

/** The plain mean of every current rating. */
export const meanPolicy: ScoringPolicy<MeanState> = {
  name: "mean",
  initial: () => ({ n: 0, sum: 0 }),
  step: (state, window) => ({ n: state.n + total(window.counts), sum: state.sum + starSum(window.counts) }),
  score: (state) => (state.n === 0 ? null : state.sum / state.n),
  scoreAllIncluded: (state) => (state.n === 0 ? null : state.sum / state.n),
  steadiness: () => null,
};
