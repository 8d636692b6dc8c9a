import { add, emptyHistogram, mean, scale, starSum, stdev, total, type Histogram } from "./histogram";
import type { ScoringPolicy, Steadiness } from "./policy";

/**
 * Tuning of the steady policy. Every default is argued in docs/scoring.md and measured by
 * `npm run bench:manipulation`.
 */
export type SteadyParams = {
  /** Bayesian prior: m pseudo-ratings at mean C pull small counts toward C. */
  priorWeight: number;
  priorMean: number;
  /** Time constant of a post's normal volume (ratings per window), seconds. */
  baselineSeconds: number;
  /** Time constant of the recent-traffic aggregate that catches slow campaigns, seconds. */
  recentSeconds: number;
  /** Time constant of the calm-traffic mean that can confirm held ratings, seconds. */
  calmSeconds: number;
  /** The recent aggregate is a campaign when its volume exceeds this multiple of normal (and it is shifted). */
  campaignVolume: number;
  /** A held window still counts up to this many normal windows' worth of ratings, star by star. */
  burstAllowance: number;
  /** Normal volume is never taken to be below this many ratings per window. */
  minBaseline: number;
  /** A window is a burst when its volume exceeds λ + volumeSigmas·√λ + 1 (a Poisson tail). */
  volumeSigmas: number;
  /** …and its mean is shifted from the displayed score by more than shiftStars… */
  shiftStars: number;
  /** …and by more than shiftSigmas standard errors. */
  shiftSigmas: number;
  /** Floor of the rating spread σ used in those tests. */
  minSigma: number;
  /**
   * Calm traffic confirms held ratings when its mean lies on their side of the score they were
   * held from (the anchor), at least this share of their distance from it.
   */
  confirmShare: number;
  /** Each calm rating that confirms the held opinion releases up to this many held ratings. */
  releasePerConfirming: number;
  /** Calm traffic must amount to this many ratings before it can confirm anything… */
  minCalmForRelease: number;
  /** …and must have lasted this long since the last held window, seconds. */
  quietSeconds: number;
};

export const DEFAULT_STEADY_PARAMS: SteadyParams = {
  priorWeight: 5,
  priorMean: 3,
  baselineSeconds: 48 * 3600,
  recentSeconds: 30 * 60,
  calmSeconds: 2 * 3600,
  campaignVolume: 1.5,
  burstAllowance: 2,
  minBaseline: 1,
  volumeSigmas: 3,
  shiftStars: 0.5,
  shiftSigmas: 3,
  minSigma: 0.75,
  confirmShare: 0.75,
  releasePerConfirming: 40,
  minCalmForRelease: 20,
  quietSeconds: 1800,
};

export type SteadyState = {
  /** Rating weight counted in the displayed score, per star. */
  accepted: Histogram;
  /** Rating weight held aside as part of a burst, per star. */
  held: Histogram;
  /** Exponential moving average of ratings per window, and its bias correction 1 − (1 − α)^t. */
  rate: number;
  rateNorm: number;
  /** Decayed sums of recent traffic and of calm traffic (since the last held window), per star. */
  recent: Histogram;
  calm: Histogram;
  /** Start of the last window processed, Unix seconds. */
  last: number | null;
  /** Explanation of what is held (null when nothing is). */
  heldSince: number | null;
  lastHeldAt: number | null;
  peakVolumeRatio: number;
  /** The displayed score when the first of the held ratings was set aside: what they deviate from. */
  heldAnchor: number | null;
};

function decay(seconds: number, windowSeconds: number, windows: number): number {
  return Math.pow(1 - Math.min(1, windowSeconds / seconds), windows);
}

function bayesian(h: Readonly<Histogram>, p: SteadyParams): number | null {
  const n = total(h);
  if (n === 0) return null;
  return (p.priorWeight * p.priorMean + starSum(h)) / (p.priorWeight + n);
}

/** Is the traffic in `h` shifted from the displayed score both far and significantly? */
function isShifted(h: Readonly<Histogram>, displayed: number, sigma: number, p: SteadyParams): boolean {
  const n = total(h);
  const mu = mean(h);
  if (mu === null) return false;
  const d = Math.abs(mu - displayed);
  return d > p.shiftStars && (d * Math.sqrt(n)) / sigma > p.shiftSigmas;
}

function isBurstVolume(n: number, expected: number, p: SteadyParams): boolean {
  return n > expected + p.volumeSigmas * Math.sqrt(expected) + 1;
}

export function createSteadyPolicy(params: SteadyParams = DEFAULT_STEADY_PARAMS): ScoringPolicy<SteadyState> {
  const p = params;
  return {
    name: "steady",
    initial: () => ({
      accepted: emptyHistogram(),
      held: emptyHistogram(),
      rate: 0,
      rateNorm: 0,
      recent: emptyHistogram(),
      calm: emptyHistogram(),
      last: null,
      heldSince: null,
      lastHeldAt: null,
      peakVolumeRatio: 0,
      heldAnchor: null,
    }),

    step(state, window, windowSeconds) {
      const h = window.counts;
      const n = total(h);
      if (n === 0) return state;
      const gap =
        state.last === null ? 1 : Math.max(1, Math.round((window.start - state.last) / windowSeconds));
      const alpha = Math.min(1, windowSeconds / p.baselineSeconds);

      // Normal volume λ: the bias-corrected moving average, with the empty windows of the gap counted as zeros.
      const idle = decay(p.baselineSeconds, windowSeconds, gap - 1);
      const rateBefore = state.rate * idle;
      const normBefore = 1 - (1 - state.rateNorm) * idle;
      const lambda = Math.max(p.minBaseline, normBefore > 0 ? rateBefore / normBefore : 0);

      const recent = add(scale(state.recent, decay(p.recentSeconds, windowSeconds, gap)), h);
      const calmDecayed = scale(state.calm, decay(p.calmSeconds, windowSeconds, gap));
      const acceptedTotal = total(state.accepted);
      const displayed = bayesian(state.accepted, p) ?? p.priorMean;
      const sigma = Math.max(p.minSigma, acceptedTotal >= 10 ? (stdev(state.accepted) ?? 0) : 1.5);

      // A burst: this window alone far above the post's normal volume and shifted from its score.
      // A campaign: the recent aggregate above normal volume and shifted — a slower attack whose
      // single windows look almost ordinary. While one lasts, every window is capped (an ordinary
      // window passes the cap almost whole) and none counts as calm, so the campaign's own
      // ratings can never "confirm" what it has had held. Too little history: nothing to protect.
      const recentExpected = lambda * (p.recentSeconds / windowSeconds);
      const campaign =
        isBurstVolume(total(recent), p.campaignVolume * recentExpected, p) &&
        isShifted(recent, displayed, sigma, p);
      const burst =
        acceptedTotal >= p.priorWeight &&
        ((isBurstVolume(n, lambda, p) && isShifted(h, displayed, sigma, p)) || campaign);

      let accepted: Histogram;
      let held: Histogram = state.held;
      let calm = calmDecayed;
      let { heldSince, lastHeldAt, peakVolumeRatio } = state;
      // States stored before the anchor existed lack it: the displayed score is the best stand-in.
      let heldAnchor = state.heldAnchor ?? (total(state.held) > 0 ? displayed : null);
      if (burst) {
        // Count at most what a normal window of this post would plausibly hold: for each star,
        // burstAllowance·λ ratings spread like its accepted opinion (the allowance absorbs the
        // Poisson noise of ordinary windows, so they pass almost whole). The excess is held aside,
        // not discarded.
        const acceptedShare = scale(state.accepted, (p.burstAllowance * lambda) / acceptedTotal);
        const take = h.map((count, s) => Math.min(count, acceptedShare[s] ?? 0)) as Histogram;
        accepted = add(state.accepted, take);
        held = add(state.held, h.map((count, s) => count - (take[s] ?? 0)) as Histogram);
        // Only traffic after the last held window may confirm a hold: calm traffic from before a
        // burst shows the old opinion (and would slow down following a real change), and the
        // windows between the held ones of a leaky campaign are the campaign itself.
        calm = emptyHistogram();
        heldSince ??= window.start;
        heldAnchor ??= displayed;
        lastHeldAt = window.start;
        peakVolumeRatio = Math.max(peakVolumeRatio, n / lambda);
      } else {
        accepted = add(state.accepted, h);
        calm = add(calmDecayed, h);
        const heldTotal = total(held);
        const heldMean = mean(held);
        const calmMean = mean(calm);
        // Release held ratings when calm traffic, in aggregate, confirms their opinion.
        // Both are measured from the anchor, not from the displayed score: releasing moves the
        // score toward the held mean, and a test against the moving score would stall half-way.
        // Calm must also have lasted: a lull inside a campaign is short, its ratings are the campaign's.
        const quiet = lastHeldAt !== null && window.start - lastHeldAt >= p.quietSeconds;
        if (
          quiet &&
          heldTotal > 0 &&
          heldMean !== null &&
          calmMean !== null &&
          heldAnchor !== null &&
          total(calm) >= p.minCalmForRelease
        ) {
          const towardHeld = heldMean - heldAnchor;
          const calmShift = calmMean - heldAnchor;
          const confirms =
            Math.sign(calmShift) === Math.sign(towardHeld) &&
            Math.abs(calmShift) >= p.confirmShare * Math.abs(towardHeld) &&
            (Math.abs(calmShift) * Math.sqrt(total(calm))) / sigma > p.shiftSigmas;
          if (confirms) {
            const release = Math.min(heldTotal, p.releasePerConfirming * n);
            const moved = scale(held, release / heldTotal);
            accepted = add(accepted, moved);
            held =
              release === heldTotal
                ? emptyHistogram()
                : (held.map((w, s) => w - (moved[s] ?? 0)) as Histogram);
          }
        }
        if (total(held) === 0) {
          heldSince = null;
          heldAnchor = null;
          lastHeldAt = null;
          peakVolumeRatio = 0;
        }
      }

      return {
        accepted,
        held,
        rate: rateBefore * (1 - alpha) + alpha * n,
        rateNorm: 1 - (1 - normBefore) * (1 - alpha),
        recent,
        calm,
        last: window.start,
        heldSince,
        lastHeldAt,
        peakVolumeRatio,
        heldAnchor,
      };
    },

    score: (state) =>
      total(state.accepted) + total(state.held) === 0 ? null : (bayesian(state.accepted, p) ?? p.priorMean),
    scoreAllIncluded: (state) => bayesian(add(state.accepted, state.held), p),

    steadiness(state): Steadiness | null {
      const heldCount = total(state.held);
      const heldMean = mean(state.held);
      if (heldCount < 0.5 || heldMean === null || state.heldSince === null || state.lastHeldAt === null)
        return null;
      return {
        heldCount,
        heldMean,
        heldSince: state.heldSince,
        lastHeldAt: state.lastHeldAt,
        peakVolumeRatio: state.peakVolumeRatio,
      };
    },
  };
}
