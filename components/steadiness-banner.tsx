import type { Steadiness } from "@/server/ratings/scoring/policy";
import { formatUtcTime } from "./format";

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
    <aside className="banner" role="status" aria-label="Why this score is held steady">
      <p>
        <strong>
          {held.toLocaleString("en")} recent {held === 1 ? "rating is" : "ratings are"} counted at reduced
          weight.
        </strong>{" "}
        They arrived in a burst {period}, up to {Math.round(steadiness.peakVolumeRatio)}× this post’s normal
        volume, averaging {steadiness.heldMean.toFixed(1)} stars
        {distance !== null &&
          ` (${Math.abs(distance).toFixed(1)} ${distance < 0 ? "below" : "above"} the score)`}
        . They count in full once calm traffic confirms the same opinion.
      </p>
      <button type="button" className="link" aria-pressed={showAll} onClick={onToggle}>
        {showAll ? "Show the steady score" : `Include all ratings (${scoreAllIncluded?.toFixed(1) ?? "–"})`}
      </button>
    </aside>
  );
}
