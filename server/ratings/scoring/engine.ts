import { add, emptyHistogram, starSum, total, type Histogram } from "./histogram";
import { meanPolicy } from "./mean";
import {
  POLICY_NAMES,
  type PolicyName,
  type RatingWindow,
  type ScoringPolicy,
  type Steadiness,
} from "./policy";
import { createSteadyPolicy } from "./steady";
import { windowedPolicy } from "./windowed";

/**
 * What the engine keeps after each window of a post: the policy's own state plus the plain
 * totals every view needs (count, sum, the six-star histogram). Plain JSON, stored verbatim.
 */
export type EngineState = { policy: PolicyName; totals: Histogram; inner: unknown };

type ErasedPolicy = {
  initial(): unknown;
  step(state: unknown, window: RatingWindow, windowSeconds: number): unknown;
  score(state: unknown): number | null;
  scoreAllIncluded(state: unknown): number | null;
  steadiness(state: unknown): Steadiness | null;
};

// States come back from storage as JSON; this is the one boundary where they regain their type.
function erase<S>(policy: ScoringPolicy<S>): ErasedPolicy {
  return {
    initial: () => policy.initial(),
    step: (state, window, windowSeconds) => policy.step(state as S, window, windowSeconds),
    score: (state) => policy.score(state as S),
    scoreAllIncluded: (state) => policy.scoreAllIncluded(state as S),
    steadiness: (state) => policy.steadiness(state as S),
  };
}

const POLICIES: Record<PolicyName, ErasedPolicy> = {
  steady: erase(createSteadyPolicy()),
  windowed: erase(windowedPolicy),
  mean: erase(meanPolicy),
};

export function isPolicyName(value: string): value is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(value);
}

export function initialState(policy: PolicyName): EngineState {
  return { policy, totals: emptyHistogram(), inner: POLICIES[policy].initial() };
}

export function step(state: EngineState, window: RatingWindow, windowSeconds: number): EngineState {
  return {
    policy: state.policy,
    totals: add(state.totals, window.counts),
    inner: POLICIES[state.policy].step(state.inner, window, windowSeconds),
  };
}

/**
 * Replays windows (in time order) from a state: the one code path behind the fold, the nightly
 * correction and `npm run replay`, so all three agree bit for bit. Returns the state after each window.
 */
export function replay(
  from: EngineState,
  windows: readonly RatingWindow[],
  windowSeconds: number,
): EngineState[] {
  const states: EngineState[] = [];
  let state = from;
  for (const window of windows) {
    state = step(state, window, windowSeconds);
    states.push(state);
  }
  return states;
}

export type ScoreSummary = {
  count: number;
  sum: number;
  histogram: Histogram;
  score: number | null;
  scoreAllIncluded: number | null;
  steadiness: Steadiness | null;
};

/** A state as stored (posts.score_state, rating_windows.state): JSON text written by this engine. */
export function parseStoredState(text: string): EngineState {
  return JSON.parse(text) as EngineState;
}

export function summarize(state: EngineState): ScoreSummary {
  const policy = POLICIES[state.policy];
  return {
    count: total(state.totals),
    sum: starSum(state.totals),
    histogram: state.totals,
    score: policy.score(state.inner),
    scoreAllIncluded: policy.scoreAllIncluded(state.inner),
    steadiness: policy.steadiness(state.inner),
  };
}
