import type { HoldRule, Steadiness } from "@/server/ratings/scoring/policy";
import { countOf, formatInteger, formatUtcTime } from "./format";

function hours(seconds: number): string {
  return seconds < 3600
    ? countOf(Math.round(seconds / 60), "minute")
    : countOf(Math.round(seconds / 3600), "hour");
}

/** Which rule held the ratings, in words. */
export function heldBecause(rule: HoldRule, period: string, peak: number): string {
  if (rule.kind === "burst")
    return `They arrived in a burst ${period}, up to ${Math.round(peak)}× the volume this post normally gets at that hour`;
  if (rule.kind === "cross-post")
    return `They arrived ${period} as a cross-post campaign: over about ${hours(rule.scaleSeconds)}, far more ratings of these stars than usual came from accounts that were rating several other posts at the same time`;
  return `They arrived ${period} as a long campaign: over about ${hours(rule.scaleSeconds)}, far more ratings of these stars than this post normally gets`;
}

/** Says plainly why the score is being held steady, and lets the reader see the unweighted score. */
export function SteadinessBanner({
  steadiness,
  score,
  scoreAllIncluded,
  showAll,
  onToggle,
}: {
  steadiness: Steadiness;
  score: number | null;
  scoreAllIncluded: number | null;
  showAll: boolean;
  onToggle: () => void;
}) {
  const held = Math.round(steadiness.heldCount);
  const distance = score === null ? null : steadiness.heldMean - score;
  const period =
    steadiness.heldSince === steadiness.lastHeldAt
      ? `around ${formatUtcTime(steadiness.heldSince)} UTC`
      : `between ${formatUtcTime(steadiness.heldSince)} and ${formatUtcTime(steadiness.lastHeldAt)} UTC`;
  return (
    // A section, not an aside: ARIA does not allow role=status on <aside> (axe aria-allowed-role).
    <section id="steadiness" className="banner" role="status" aria-label="Why this score is held steady">
      <p>
        <strong>
          {formatInteger(held)} recent {held === 1 ? "rating is" : "ratings are"} counted at reduced weight.
        </strong>{" "}
        {heldBecause(steadiness.rule, period, steadiness.peakVolumeRatio)}, averaging{" "}
        {steadiness.heldMean.toFixed(1)} stars
        {distance !== null &&
          ` (${Math.abs(distance).toFixed(1)} ${distance < 0 ? "below" : "above"} the score)`}
        . They count in full once calm traffic confirms the same opinion.
      </p>
      <button type="button" className="link" aria-pressed={showAll} onClick={onToggle}>
        {showAll ? "Show the steady score" : `Include all ratings (${scoreAllIncluded?.toFixed(1) ?? "–"})`}
      </button>
    </section>
  );
}
