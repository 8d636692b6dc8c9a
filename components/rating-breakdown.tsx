"use client";
import { useState } from "react";
import type { RatingBreakdown as Breakdown, StarSummary } from "@/server/posts/breakdown";
import { countOf, formatInteger } from "./format";

type Period = "allTime" | "recent";

const ratings = (n: number) => countOf(n, "rating");
const stars = (n: number) => countOf(n, "star");

/** Whole percentages, except that a nonzero share never reads as 0 %. */
function percent(count: number, total: number): string {
  if (total === 0) return "0%";
  const p = (count / total) * 100;
  return p > 0 && p < 1 ? "<1%" : `${Math.round(p)}%`;
}

function Summary({ label, of }: { label: string; of: StarSummary }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{of.mean === null ? "No ratings" : `${of.mean.toFixed(1)} ★ average of ${ratings(of.count)}`}</dd>
    </div>
  );
}

/**
 * Recent vs all time (plain averages of the ratings counted so far), and a histogram of either
 * period with each star's share. A table, so screen readers get rows of stars, count and share.
 */
export function RatingBreakdown({ breakdown }: { breakdown: Breakdown }) {
  const [period, setPeriod] = useState<Period>("allTime");
  const recentLabel = `Last ${breakdown.days} days`;
  const shown = breakdown[period];
  const max = Math.max(1, ...shown.histogram);
  return (
    <figure className="histogram breakdown" aria-label="Ratings by number of stars">
      <dl className="periods">
        <Summary label={recentLabel} of={breakdown.recent} />
        <Summary label="All time" of={breakdown.allTime} />
      </dl>
      <div className="segmented" role="group" aria-label="Period of the histogram">
        {(["allTime", "recent"] as const).map((p) => (
          <button key={p} type="button" aria-pressed={period === p} onClick={() => setPeriod(p)}>
            {p === "allTime" ? "All time" : recentLabel}
          </button>
        ))}
      </div>
      <table>
        <caption className="visually-hidden">
          Ratings by number of stars, {period === "allTime" ? "all time" : recentLabel.toLowerCase()}
        </caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Stars</th>
            <th scope="col">Share</th>
            <th scope="col">Ratings</th>
          </tr>
        </thead>
        <tbody>
          {[5, 4, 3, 2, 1, 0].map((s) => {
            const count = shown.histogram[s] ?? 0;
            return (
              <tr key={s}>
                <th scope="row">
                  {s}★<span className="visually-hidden"> ({stars(s)})</span>
                </th>
                <td>
                  <div className="share">
                    <span className="track" aria-hidden="true">
                      <span className="bar" style={{ width: `${(count / max) * 100}%` }} />
                    </span>
                    <span className="pct">{percent(count, shown.count)}</span>
                  </div>
                </td>
                <td className="num">{formatInteger(count)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <figcaption className="hint">
        {shown.count
          ? `${ratings(shown.count)} counted by the last fold${period === "recent" ? `, rated or changed in the last ${breakdown.days} days` : ""}`
          : "No ratings counted yet"}
      </figcaption>
    </figure>
  );
}
