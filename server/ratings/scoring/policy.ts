import type { Histogram } from "./histogram";
import type { SiteProfile } from "./site-profile";

/**
 * One window of a post: its start (Unix seconds, UTC-aligned), the stars of the ratings in it, the
 * stars of those of them that carry the cross-post flag (scoring/cross-post.ts; absent: none), and
 * the site profile of its UTC day when one was learned (scoring/site-profile.ts).
 */
export type RatingWindow = { start: number; counts: Histogram; flagged?: Histogram; site?: SiteProfile };

export const POLICY_NAMES = ["steady", "windowed", "mean"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/**
 * The rule that held ratings: one window far above the expected volume (`burst`), a shifted
 * excess that built up over a longer time scale (`campaign`, with that scale in seconds), or a
 * shifted excess of ratings from accounts busy rating other posts at the same time (`cross-post`).
 */
export type HoldRule =
  | { kind: "burst" }
  | { kind: "campaign"; scaleSeconds: number }
  | { kind: "cross-post"; scaleSeconds: number };

/** Why part of a post's recent ratings count at reduced weight (steady policy only). */
export type Steadiness = {
  /** The rule that held the most recent of them. */
  rule: HoldRule;
  /** Ratings (as weight) held aside from the displayed score. */
  heldCount: number;
  /** Their mean star value, and how far it lies from the displayed score. */
  heldMean: number;
  /** Start of the first and last window whose ratings were held, Unix seconds. */
  heldSince: number;
  lastHeldAt: number;
  /** Largest volume seen among them, as a multiple of the volume expected for the post at that time. */
  peakVolumeRatio: number;
};

/**
 * A scoring policy: a pure fold over a post's windows in time order. States must be plain JSON
 * (numbers, arrays, null) so they can be stored and resumed bit for bit.
 */
export interface ScoringPolicy<S> {
  readonly name: PolicyName;
  initial(): S;
  step(state: S, window: RatingWindow, windowSeconds: number): S;
  /** The displayed score, or null while nothing counts yet. */
  score(state: S): number | null;
  /** The score with every rating included at full weight. */
  scoreAllIncluded(state: S): number | null;
  steadiness(state: S): Steadiness | null;
}
