import type { HistoryPoint } from "@/server/posts/history";

const WIDTH = 640;
const HEIGHT = 180;
const PAD = { left: 28, right: 8, top: 8, bottom: 22 };

/**
 * The score after each window (line, 0–5 scale on the left) over the ratings each window received
 * (bars, scaled to the busiest window). Hand-written SVG: two series do not need a chart library.
 */
export function ScoreChart({ points }: { points: HistoryPoint[] }) {
  if (points.length === 0) return <p className="hint">No ratings in the last 24 hours.</p>;
  const times = points.map((p) => Date.parse(p.windowStart));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const maxCount = Math.max(1, ...points.map((p) => p.count));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * innerW;
  const yScore = (s: number) => PAD.top + (1 - s / 5) * innerH;
  const barWidth = Math.max(1, Math.min(8, innerW / Math.max(points.length, 1) - 1));
  const line = points
    .map((p, i) => (p.score === null ? null : `${x(times[i]!).toFixed(1)},${yScore(p.score).toFixed(1)}`))
    .filter((v): v is string => v !== null);
  const label = (t: number) =>
    new Date(t).toLocaleTimeString("en", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
  const last = points.at(-1);
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Score over time: ${points.length} windows, latest score ${last?.score?.toFixed(1) ?? "none"}`}
      >
        {[0, 1, 2, 3, 4, 5].map((s) => (
          <g key={s}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={yScore(s)} y2={yScore(s)} className="grid" />
            <text x={PAD.left - 6} y={yScore(s) + 4} textAnchor="end" className="axis">
              {s}
            </text>
          </g>
        ))}
        {points.map((p, i) => {
          const h = (p.count / maxCount) * innerH * 0.6;
          return (
            <rect
              key={p.windowStart}
              x={x(times[i]!) - barWidth / 2}
              y={PAD.top + innerH - h}
              width={barWidth}
              height={h}
              className="volume"
            />
          );
        })}
        {line.length > 1 && <polyline points={line.join(" ")} className="score-line" fill="none" />}
        <text x={PAD.left} y={HEIGHT - 4} className="axis">
          {label(t0)} UTC
        </text>
        <text x={WIDTH - PAD.right} y={HEIGHT - 4} textAnchor="end" className="axis">
          {label(t1)}
        </text>
      </svg>
      <figcaption className="hint">
        Line: displayed score after each window. Bars: ratings per window (busiest: {maxCount}).
      </figcaption>
    </figure>
  );
}
