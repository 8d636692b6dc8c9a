import type { Histogram } from "@/server/ratings/scoring/histogram";
import { countOf } from "./format";

/** Six horizontal bars, 5 stars at the top, each labelled with its count. */
export function RatingHistogram({ histogram }: { histogram: Histogram }) {
  const max = Math.max(1, ...histogram);
  const total = histogram.reduce((a, b) => a + b, 0);
  return (
    <figure className="histogram" aria-label="Ratings by number of stars">
      <table>
        <tbody>
          {[5, 4, 3, 2, 1, 0].map((stars) => {
            const count = histogram[stars] ?? 0;
            return (
              <tr key={stars}>
                <th scope="row">{stars}★</th>
                <td>
                  <span className="bar" style={{ width: `${(count / max) * 100}%` }} />
                </td>
                <td className="num">
                  {count.toLocaleString("en")}
                  <span className="visually-hidden">
                    {" "}
                    {count === 1 ? "rating" : "ratings"} of {countOf(stars, "star")}
                  </span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <figcaption className="hint">
        {total ? `${countOf(total, "rating")} counted by the last fold` : "No ratings counted yet"}
      </figcaption>
    </figure>
  );
}
