import { formatRatingCount, formatScore } from "./format";
import { StaticStars } from "./star-rating";

export function ScoreBadge({ score, ratingCount }: { score: number | null; ratingCount: number }) {
  const shown = formatScore(score);
  return (
    <div
      className="score"
      aria-label={shown ? `Score ${shown} out of 5 from ${formatRatingCount(ratingCount)}` : "Not rated yet"}
    >
      <StaticStars score={score} />
      <strong className="score-value">{shown ?? "Not rated yet"}</strong>
      <span className="count">{formatRatingCount(ratingCount)}</span>
    </div>
  );
}
