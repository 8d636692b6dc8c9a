import { formatRatingCount, formatScore } from "./format";
import { StaticStars } from "./star-rating";

/** Below this many ratings the score is the plain average of very few opinions, and says so. */
const FEW_RATINGS = 5;

export function ScoreBadge({ score, ratingCount }: { score: number | null; ratingCount: number }) {
  const shown = formatScore(score);
  const few = shown !== null && ratingCount > 0 && ratingCount < FEW_RATINGS;
  // Ratings taken but not folded into a score yet: say it is coming, never "not rated".
  const pending = shown === null && ratingCount > 0;
  const words = shown ?? (pending ? "Score pending" : "Not rated yet");
  return (
    <div
      className="score"
      aria-label={
        shown
          ? `Score ${shown} out of 5 from ${formatRatingCount(ratingCount)}${few ? " (few ratings)" : ""}`
          : pending
            ? `Score pending: ${formatRatingCount(ratingCount)} counted within a minute`
            : "Not rated yet"
      }
    >
      <StaticStars score={score} />
      <strong className="score-value">{words}</strong>
      <span className="count">{formatRatingCount(ratingCount)}</span>
      {few && <span className="few">few ratings</span>}
    </div>
  );
}
