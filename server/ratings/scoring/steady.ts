import { foldFlagged } from "./cross-post";
import { add, emptyHistogram, mean, scale, stdev, total, type Histogram } from "./histogram";
import type { HoldRule, ScoringPolicy, Steadiness } from "./policy";
import { SINE_DAY, hourShapeAt, siteRateAt } from "./site-profile";

/**
 * Tuning of the steady policy. Every default is argued in docs/scoring.md and measured by
 * `npm run bench:manipulation`.
 */
export type SteadyParams = {
  /**
   * Ratings per window the site expects of a post it knows nothing about yet (the long tail: a
   * new, tiny or quiet post is judged against this, not against its own first minutes)…
   */
  siteRate: number;
  /** …weighed as if this many seconds of the post's own traffic had been seen. */
  siteRateSeconds: number;
  /**
   * Site-wide share of a day's traffic per UTC hour, as a multiple of the hourly mean (24 values
   * averaging 1): normal volume follows the daily cycle.
   */
  dailyShape: readonly number[];
  /** Time constant of a post's own normal (accepted) volume, seconds. */
  baselineSeconds: number;
  /** Time scales (decay time constants, seconds) over which shifted excess volume is summed. */
  scales: readonly number[];
  /** Time constant of the calm-traffic mean that can confirm held ratings, seconds. */
  calmSeconds: number;
  /** A time scale holds when its volume exceeds this multiple of the expected volume (and it is shifted). */
  campaignVolume: number;
  /**
   * Cross-post: a time scale also holds when its flagged ratings (accounts busy rating other posts)
   * on one star exceed this share of the expected volume there, by a Poisson tail, and are shifted.
   */
  crossPostShare: number;
  /** A held window still counts up to this many expected windows' worth of ratings, star by star. */
  burstAllowance: number;
  /** Normal volume is never taken to be below this many ratings per window. */
  minBaseline: number;
  /**
   * A burst this many times the expected volume is taken out of the time scales once held (it is
   * dealt with); smaller bursts, a drip's, stay in them so the drip still adds up.
   */
  bombVolume: number;
  /** A window is a burst when its volume exceeds λ + volumeSigmas·√λ + 1 (a Poisson tail)… */
  volumeSigmas: number;
  /** …and its mean is shifted from the accepted opinion by more than shiftStars… */
  shiftStars: number;
  /** …and by more than shiftSigmas standard errors. */
  shiftSigmas: number;
  /**
   * A window within this many seconds of a held burst, above the expected volume and leaning the
   * burst's way by more than shiftStars, continues it: no new significance test for each window.
   */
  burstContinuationSeconds: number;
  /** A longer time scale holds only while the shortest one leans its way by this many stars. */
  leanStars: number;
  /** Floor of the rating spread σ used in those tests. */
  minSigma: number;
  /**
   * Genuine change: over the `changeScale`-th time scale, the excess over what the old opinion
   * gives at normal volume has a mean within changeReach stars of that opinion and a spread of at
   * least changeSpread (a crowd, not a one-sided push), and amounts to at least changeMinExcess ratings.
   */
  changeScale: number;
  changeReach: number;
  /** …widened by this many standard errors of the old opinion (σ/√n: a handful of ratings says little). */
  changeReachErrors: number;
  changeSpread: number;
  changeMinExcess: number;
  /** …and no single star holds more than this share of it (a crowd spreads its stars, a push does not). */
  changePeak: number;
  /** After a genuine change, campaign-like traffic leaning the same way is taken as that change for this long, seconds. */
  changeSeconds: number;
  /** The shortfall test needs the other side to expect at least this many ratings over the shortest scale. */
  shortfallMinExpected: number;
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
  siteRate: 0.1,
  siteRateSeconds: 6 * 3600,
  dailyShape: SINE_DAY,
  baselineSeconds: 48 * 3600,
  scales: [30 * 60, 6 * 3600, 24 * 3600],
  calmSeconds: 2 * 3600,
  campaignVolume: 1.5,
  crossPostShare: 0.3,
  burstAllowance: 2,
  minBaseline: 0.02,
  bombVolume: 10,
  volumeSigmas: 3,
  shiftStars: 0.5,
  shiftSigmas: 3,
  minSigma: 0.75,
  leanStars: 0.25,
  burstContinuationSeconds: 600,
  changeScale: 1,
  changeReach: 2.5,
  changeReachErrors: 1,
  changeSpread: 0.8,
  changeMinExcess: 10,
  changePeak: 0.6,
  shortfallMinExpected: 8,
  changeSeconds: 3 * 3600,
  confirmShare: 0.75,
  releasePerConfirming: 40,
  minCalmForRelease: 20,
  quietSeconds: 1800,
};

export type SteadyState = {
  /** Rating weight counted in the displayed score, per star. */
  accepted: Histogram;
  /** Rating weight held aside, per star. */
  held: Histogram;
  /** Exponential moving average of accepted ratings per window, and its bias correction 1 − (1 − α)^t. */
  rate: number;
  rateNorm: number;
  /** Per time scale: decayed sum of the traffic, and of the volume expected over the same windows. */
  traffic: Histogram[];
  expected: number[];
  /** Per time scale: decayed sum of the cross-post flagged traffic (absent in states written before it). */
  flagged?: Histogram[];
  /** Decayed sum of calm traffic (since the last held window), per star. */
  calm: Histogram;
  /** Start of the last window processed, Unix seconds. */
  last: number | null;
  /** Explanation of what is held (null when nothing is). */
  heldSince: number | null;
  lastHeldAt: number | null;
  peakVolumeRatio: number;
  rule: HoldRule | null;
  /** The accepted opinion when the first of the held ratings was set aside: what they deviate from. */
  heldAnchor: number | null;
  /** The last genuine change found: when, and which way opinion moved (+1 up, −1 down). */
  change?: { at: number; direction: number } | null;
};

function decay(seconds: number, windowSeconds: number, windows: number): number {
  return Math.pow(1 - Math.min(1, windowSeconds / seconds), windows);
}

/**
 * Is the traffic in `h` shifted from the opinion `reference` (the mean of `referenceCount`
 * ratings; Infinity: taken as known) both far and significantly? Both are samples: the standard
 * error counts the opinion's own, so a post's first rating or two cannot brand every later
 * audience a campaign (a polarised audience whose first rater gave 0★ was held for a whole day).
 */
function isShifted(
  h: Readonly<Histogram>,
  reference: number,
  referenceCount: number,
  sigma: number,
  p: SteadyParams,
): boolean {
  const n = total(h);
  const mu = mean(h);
  if (mu === null) return false;
  const d = Math.abs(mu - reference);
  return d > p.shiftStars && d / (sigma * Math.sqrt(1 / n + 1 / referenceCount)) > p.shiftSigmas;
}

function isExcessVolume(n: number, expected: number, p: SteadyParams): boolean {
  return n > expected + p.volumeSigmas * Math.sqrt(expected) + 1;
}

/** What `traffic` holds beyond `expected` ratings spread like `opinion`, per star. */
function excess(
  traffic: Readonly<Histogram>,
  opinion: Readonly<Histogram>,
  expected: number,
  p: SteadyParams,
): Histogram {
  const n = total(opinion);
  return traffic.map((c, s) => {
    // Poisson noise of the expected count is not excess.
    const e = n === 0 ? 0 : (expected * opinion[s]!) / n;
    return Math.max(0, c - e - p.volumeSigmas * Math.sqrt(e));
  }) as Histogram;
}

/**
 * Does some star on the side of `reference` that `traffic` leans to (more than shiftStars away)
 * exceed its expected count (`expected` ratings spread like `opinion`) by a Poisson tail times
 * `factor`? A campaign's excess shows in its own stars even when the total volume looks ordinary.
 */
function hasStarExcess(
  traffic: Readonly<Histogram>,
  opinion: Readonly<Histogram>,
  expected: number,
  reference: number,
  factor: number,
  p: SteadyParams,
): boolean {
  const direction = Math.sign((mean(traffic) ?? reference) - reference);
  const n = total(opinion);
  for (let s = 0; s < 6; s++) {
    if ((s - reference) * direction <= p.shiftStars) continue;
    if (isExcessVolume(traffic[s]!, (factor * expected * opinion[s]!) / n, p)) return true;
  }
  return false;
}

/**
 * Do the stars on the other side of `reference` from where `traffic` leans hold significantly
 * fewer ratings (a Poisson lower tail) than `expected` ratings spread like `opinion` would give?
 */
function hasShortfall(
  traffic: Readonly<Histogram>,
  opinion: Readonly<Histogram>,
  expected: number,
  reference: number,
  p: SteadyParams,
): boolean {
  const direction = Math.sign((mean(traffic) ?? reference) - reference);
  const n = total(opinion);
  let want = 0;
  let have = 0;
  for (let s = 0; s < 6; s++) {
    if ((s - reference) * direction >= 0) continue;
    want += (expected * opinion[s]!) / n;
    have += traffic[s]!;
  }
  return want >= p.shortfallMinExpected && have < want - p.volumeSigmas * Math.sqrt(want);
}

/**
 * Does this window continue the burst held just before it? A push rarely fits in one window, and
 * on a young or quiet post its later windows mix with organic ratings and are too small to be
 * significant on their own (a 16-minute-old post took 150 fives as 6-rating windows that each
 * passed). The first window proved the burst; the next ones need only lean its way by shiftStars.
 */
function continuesBurst(
  state: Readonly<SteadyState>,
  h: Readonly<Histogram>,
  start: number,
  reference: number,
  p: SteadyParams,
): boolean {
  const heldMean = mean(state.held);
  const windowMean = mean(h);
  if (state.rule?.kind !== "burst" || state.lastHeldAt === null || heldMean === null || windowMean === null)
    return false;
  if (start - state.lastHeldAt > p.burstContinuationSeconds) return false;
  const direction = Math.sign(heldMean - reference);
  return (windowMean - reference) * direction > p.shiftStars;
}

export function createSteadyPolicy(params: SteadyParams = DEFAULT_STEADY_PARAMS): ScoringPolicy<SteadyState> {
  const p = params;
  const initial = (): SteadyState => ({
    accepted: emptyHistogram(),
    held: emptyHistogram(),
    rate: 0,
    rateNorm: 0,
    traffic: p.scales.map(() => emptyHistogram()),
    expected: p.scales.map(() => 0),
    calm: emptyHistogram(),
    last: null,
    heldSince: null,
    lastHeldAt: null,
    peakVolumeRatio: 0,
    rule: null,
    heldAnchor: null,
  });
  return {
    name: "steady",
    initial,

    step(stored, window, windowSeconds) {
      const h = window.counts;
      const n = total(h);
      if (n === 0) return stored;
      // A state written before the time scales existed resumes with empty ones.
      const state =
        stored.traffic?.length === p.scales.length
          ? stored
          : { ...initial(), ...stored, traffic: initial().traffic, expected: initial().expected };
      const gap =
        state.last === null ? 1 : Math.max(1, Math.round((window.start - state.last) / windowSeconds));
      const alpha = Math.min(1, windowSeconds / p.baselineSeconds);

      // Normal volume λ for this hour: the post's own accepted volume (a bias-corrected moving
      // average, empty windows counted as zeros), blended with what the site expects of a post it
      // has seen little of, times the site's shape of the day.
      const idle = decay(p.baselineSeconds, windowSeconds, gap - 1);
      const rateBefore = state.rate * idle;
      const normBefore = 1 - (1 - state.rateNorm) * idle;
      const ownWindows = (normBefore * p.baselineSeconds) / windowSeconds;
      const siteWindows = p.siteRateSeconds / windowSeconds;
      const ownVolume = (rateBefore * p.baselineSeconds) / windowSeconds;
      // The site's expectation for a post of this age and the hour's share come from the profile
      // learned for this window's day (the constants without one). The age is read off the moving
      // average's bias correction, 1 − (1 − α)^(windows since the first), so the state needs no
      // new field and old states resume as they are.
      const windowsSinceFirst =
        normBefore >= 1 || alpha >= 1 ? Infinity : Math.round(Math.log(1 - normBefore) / Math.log(1 - alpha));
      const siteRate = siteRateAt(window.site, windowsSinceFirst * windowSeconds, p.siteRate);
      const level = Math.max(
        p.minBaseline,
        (siteRate * siteWindows + ownVolume) / (siteWindows + ownWindows),
      );
      const lambda = level * hourShapeAt(window.site, window.start, p.dailyShape);

      // Every time scale sums the traffic and the volume expected of it over the same windows (the
      // empty windows of the gap expect volume too).
      const decayedTraffic = p.scales.map((seconds, k) =>
        scale(state.traffic[k]!, decay(seconds, windowSeconds, gap)),
      );
      const traffic = decayedTraffic.map((t) => add(t, h));
      const scaleDecays = p.scales.map((seconds) => decay(seconds, windowSeconds, gap));
      const flagged = foldFlagged(state.flagged, scaleDecays, window.flagged);
      const expected = p.scales.map((seconds, k) => {
        const d = 1 - Math.min(1, windowSeconds / seconds);
        const dg = Math.pow(d, gap);
        return state.expected[k]! * dg + (lambda * (1 - dg)) / (1 - d || 1);
      });

      const acceptedTotal = total(state.accepted);
      const reference = mean(state.accepted);
      const sigma = Math.max(p.minSigma, acceptedTotal >= 10 ? (stdev(state.accepted) ?? 0) : 1.5);

      // Burst: this window alone far above the expected volume and shifted from the accepted
      // opinion. Campaign: a time scale's sum above its expected volume and shifted — a slower
      // attack whose windows look almost ordinary. With no accepted opinion there is nothing to protect.
      let rule: HoldRule | null = null;
      if (reference !== null) {
        if (
          isExcessVolume(n, lambda, p) &&
          // A burst's volume is evidence enough of a push: its shift is measured against the
          // opinion as it stands. A campaign's is not, so the time scales (below) also count the
          // uncertainty of an opinion made of a few ratings.
          (isShifted(h, reference, Infinity, sigma, p) ||
            continuesBurst(state, h, window.start, reference, p))
        ) {
          rule = { kind: "burst" };
        } else {
          // A longer scale holds only while the shortest one still leans the same way: once a
          // campaign stops, the hours after it are not capped for the rest of its long sum.
          const lean = (mean(traffic[0]!) ?? reference) - reference;
          const k = p.scales.findIndex(
            (_, k) =>
              hasStarExcess(traffic[k]!, state.accepted, expected[k]!, reference, p.campaignVolume, p) &&
              isShifted(traffic[k]!, reference, acceptedTotal, sigma, p) &&
              (k === 0 || lean * Math.sign(mean(traffic[k]!)! - reference) >= p.leanStars),
          );
          if (k >= 0) rule = { kind: "campaign", scaleSeconds: p.scales[k]! };
          else {
            // Cross-post: the same tests on the flagged ratings alone, against a small share of the
            // expected volume. Honest heavy raters are flagged too but rate like everyone else, so
            // their flagged ratings are neither shifted nor piled on one side.
            const j = p.scales.findIndex(
              (_, k) =>
                hasStarExcess(flagged[k]!, state.accepted, expected[k]!, reference, p.crossPostShare, p) &&
                isShifted(flagged[k]!, reference, acceptedTotal, sigma, p) &&
                (k === 0 || lean * Math.sign(mean(flagged[k]!)! - reference) >= p.leanStars),
            );
            if (j >= 0) rule = { kind: "cross-post", scaleSeconds: p.scales[j]! };
          }
        }
      }
      // Genuine change: what comes on top of the old opinion at normal volume is a crowd's spread
      // of opinion near it, not a one-sided push; the shift is the crowd's own.
      // Judged against the post's own volume: the site's expectation is a guard, not a measurement.
      const ownLevel = normBefore > 0 ? rateBefore / normBefore : 0;
      const extra = excess(
        traffic[p.changeScale]!,
        state.accepted,
        (expected[p.changeScale]! * Math.max(p.minBaseline, ownLevel)) / level,
        p,
      );
      const extraMean = mean(extra);
      // How far a crowd may lie from the old opinion widens by that opinion's own standard error:
      // two ratings of 1★ say little about what a post's audience thinks (a viral crowd rating a
      // 2.5-star post 4 stars was held as a push when its first two raters had given it 1★).
      const reach =
        p.changeReach + (acceptedTotal > 0 ? (p.changeReachErrors * sigma) / Math.sqrt(acceptedTotal) : 0);
      const crowdOnTop =
        reference !== null &&
        extraMean !== null &&
        total(extra) >= p.changeMinExcess &&
        Math.abs(extraMean - reference) <= reach &&
        (stdev(extra) ?? 0) >= p.changeSpread &&
        Math.max(...extra) <= p.changePeak * total(extra);
      // …or the normal-volume part itself has moved: over the shortest scale, the ratings on the
      // other side of the opinion from the push fall short of what normal volume gives them. An
      // attacker can add ratings but cannot remove the crowd's.
      // A change found stays the explanation of campaign-like traffic leaning its way for a while.
      const changing =
        rule?.kind === "campaign" &&
        state.change != null &&
        window.start - state.change.at < p.changeSeconds &&
        state.change.direction === Math.sign((mean(traffic[0]!) ?? 0) - (reference ?? 0));
      const shortfall =
        reference !== null &&
        hasShortfall(
          traffic[0]!,
          state.accepted,
          (expected[0]! * Math.max(p.minBaseline, ownLevel)) / level,
          reference,
          p,
        );
      const genuine = rule !== null && (changing || crowdOnTop || shortfall);
      // Held ratings are released by a change only once it has been seen twice in a row of
      // windows (one noisy window is not a change), and, unless the crowd's own ratings fell
      // short, only if they lie within changeReach of the old opinion.
      const seenBefore =
        state.change != null &&
        window.start - state.change.at < p.changeSeconds &&
        state.change.direction === Math.sign((mean(traffic[0]!) ?? 0) - (reference ?? 0));
      // Renewed by every window it explains, so a change lasts while its traffic does.
      const change: SteadyState["change"] = genuine
        ? { at: window.start, direction: Math.sign((mean(traffic[0]!) ?? 0) - (reference ?? 0)) }
        : (state.change ?? null);
      if (genuine) rule = null;

      let accepted: Histogram;
      let held: Histogram = state.held;
      let calm = scale(state.calm, decay(p.calmSeconds, windowSeconds, gap));
      let { heldSince, lastHeldAt, peakVolumeRatio, heldAnchor } = state;
      let acceptedNow = n;
      // Ratings a burst held are dealt with: the time scales keep only what the window counted, so
      // a past burst does not make the hours after it look like a campaign.
      let counted: Histogram = h;
      if (rule) {
        // Count at most what a normal window of this post would plausibly hold: for each star,
        // burstAllowance·λ ratings spread like its accepted opinion. The excess is held, not discarded.
        const share = scale(state.accepted, (p.burstAllowance * lambda) / acceptedTotal);
        const take = h.map((count, s) => Math.min(count, share[s] ?? 0)) as Histogram;
        accepted = add(state.accepted, take);
        held = add(state.held, h.map((count, s) => count - (take[s] ?? 0)) as Histogram);
        acceptedNow = total(take);
        if (rule.kind === "burst" && n > p.bombVolume * lambda) counted = take;
        // Only traffic after the last held window may confirm a hold.
        calm = emptyHistogram();
        heldSince ??= window.start;
        heldAnchor ??= reference;
        lastHeldAt = window.start;
        peakVolumeRatio = Math.max(peakVolumeRatio, n / lambda);
      } else {
        accepted = add(state.accepted, h);
        calm = add(calm, h);
        const heldTotal = total(held);
        const heldMean = mean(held);
        const calmMean = mean(calm);
        // Release held ratings when calm traffic, in aggregate, confirms their opinion, measured
        // from the anchor (releasing moves the score, a test against it would stall half-way). A
        // genuine change releases at once: the whole crowd has moved.
        const quiet = lastHeldAt !== null && window.start - lastHeldAt >= p.quietSeconds;
        if (heldTotal > 0 && heldMean !== null && calmMean !== null && heldAnchor !== null) {
          const towardHeld = heldMean - heldAnchor;
          const calmShift = calmMean - heldAnchor;
          const confirms =
            (genuine &&
              seenBefore &&
              Math.sign(calmShift) === Math.sign(towardHeld) &&
              (shortfall || Math.abs(towardHeld) <= reach)) ||
            (quiet &&
              total(calm) >= p.minCalmForRelease &&
              Math.sign(calmShift) === Math.sign(towardHeld) &&
              Math.abs(calmShift) >= p.confirmShare * Math.abs(towardHeld) &&
              (Math.abs(calmShift) * Math.sqrt(total(calm))) / sigma > p.shiftSigmas);
          if (confirms) {
            const release = genuine ? heldTotal : Math.min(heldTotal, p.releasePerConfirming * n);
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
        // Normal volume learns from accepted ratings only: held ones must not make a campaign normal.
        rate: rateBefore * (1 - alpha) + alpha * acceptedNow,
        rateNorm: 1 - (1 - normBefore) * (1 - alpha),
        // Ratings a burst held are dealt with; the time scales keep only what the window counted,
        // so a past burst does not make the hours after it look like a campaign.
        traffic: decayedTraffic.map((t) => add(t, counted)),
        flagged:
          counted === h || !window.flagged
            ? flagged
            : foldFlagged(state.flagged, scaleDecays, scale(window.flagged, total(counted) / n)),
        expected,
        calm,
        last: window.start,
        heldSince,
        lastHeldAt,
        peakVolumeRatio,
        rule: total(held) === 0 ? null : (rule ?? state.rule),
        heldAnchor,
        change,
      };
    },

    // The displayed score is the plain mean of the accepted ratings: a lone 5★ shows 5.0. Ranking
    // applies its own shrinkage for small counts (rankingScore).
    score: (state) => mean(state.accepted) ?? mean(state.held),
    scoreAllIncluded: (state) => mean(add(state.accepted, state.held)),

    steadiness(state): Steadiness | null {
      const heldCount = total(state.held);
      const heldMean = mean(state.held);
      if (heldCount < 0.5 || heldMean === null || state.heldSince === null || state.lastHeldAt === null)
        return null;
      return {
        rule: state.rule ?? { kind: "burst" },
        heldCount,
        heldMean,
        heldSince: state.heldSince,
        lastHeldAt: state.lastHeldAt,
        peakVolumeRatio: state.peakVolumeRatio,
      };
    },
  };
}
