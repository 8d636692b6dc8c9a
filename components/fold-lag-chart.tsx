"use client";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type LagPoint = { at: number; lagSeconds: number; pending: number };

function hhmm(ms: number): string {
  return new Date(ms).toLocaleTimeString("en", { hour: "2-digit", minute: "2-digit", timeZone: "UTC" });
}

/** The fold lag (age of the oldest pending rating when each fold run started) over time. */
export function FoldLagChart({ points }: { points: LagPoint[] }) {
  if (points.length === 0) return <p className="hint">No fold has run in the last 24 hours.</p>;
  return (
    <figure className="chart" aria-label="Fold lag over the last 24 hours">
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="at"
            type="number"
            domain={["dataMin", "dataMax"]}
            scale="time"
            tickFormatter={hhmm}
          />
          <YAxis dataKey="lagSeconds" unit=" s" width={56} />
          <Tooltip
            labelFormatter={(at) => `${hhmm(Number(at))} UTC`}
            formatter={(value, _name, item) => [
              `${Math.round(Number(value))} s (${(item.payload as LagPoint).pending} pending)`,
              "lag",
            ]}
          />
          <Line dataKey="lagSeconds" dot={false} isAnimationActive={false} strokeWidth={2} />
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="hint">
        Age of the oldest rating waiting for the fold, when each fold run started (UTC).
      </figcaption>
    </figure>
  );
}
