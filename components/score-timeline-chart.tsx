"use client";
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatTick, heldSpans, hourTicks, insetTicks, type TimelineRow } from "./timeline-data";

export type TimelineChartProps = {
  rows: TimelineRow[];
  /** The time axis, ms: always the whole requested period, earlier on the left. */
  from: number;
  to: number;
  windowMs: number;
  /** Narrow screens get fewer ticks (each carries a date, so they need room). */
  narrow: boolean;
};

const AXIS_TEXT = { fill: "var(--muted)", fontSize: 12 };

/**
 * The drawing of the score timeline (Recharts, loaded only by the post page). Two scales: the score
 * (0–5) on the left for the line, ratings per window on the right for the bars; held periods shaded.
 * It is hidden from screen readers: the table beside it carries the same data.
 */
export default function ScoreTimelineChart({ rows, from, to, windowMs, narrow }: TimelineChartProps) {
  // A held period is shaded at least 1 % of the axis wide (about 15 minutes of 24 hours), so a
  // one-window burst stays visible; the list and the table below give its exact times.
  const minWidth = (to - from) / 100;
  const spans = heldSpans(rows, windowMs).map((s) => ({
    from: Math.min(s.from, s.to - minWidth),
    to: s.to,
  }));
  return (
    // The height is the plot box's (.timeline-plot in globals.css), fixed before the chart loads.
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart data={rows} margin={{ top: 8, right: 4, bottom: 4, left: 4 }} accessibilityLayer={false}>
        <CartesianGrid stroke="var(--border)" vertical={false} yAxisId="score" />
        {spans.map((span) => (
          <ReferenceArea
            key={span.from}
            yAxisId="score"
            x1={span.from}
            x2={span.to}
            y1={0}
            y2={5}
            fill="var(--danger)"
            fillOpacity={0.12}
            stroke="var(--danger)"
            strokeDasharray="3 3"
            ifOverflow="extendDomain"
          />
        ))}
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={[from, to]}
          ticks={narrow ? insetTicks(from, to) : hourTicks(from, to, 6)}
          interval={narrow ? 0 : "preserveEnd"}
          tickFormatter={formatTick}
          tick={AXIS_TEXT}
          allowDataOverflow
        />
        <YAxis
          yAxisId="score"
          domain={[0, 5]}
          ticks={[0, 1, 2, 3, 4, 5]}
          tick={AXIS_TEXT}
          width={narrow ? 28 : 44}
          label={narrow ? undefined : { value: "Score ★", angle: -90, position: "insideLeft", ...AXIS_TEXT }}
        />
        <YAxis
          yAxisId="count"
          orientation="right"
          allowDecimals={false}
          tick={AXIS_TEXT}
          width={narrow ? 32 : 52}
          label={narrow ? undefined : { value: "Ratings", angle: 90, position: "insideRight", ...AXIS_TEXT }}
        />
        <Bar
          yAxisId="count"
          dataKey="counted"
          stackId="ratings"
          fill="var(--accent)"
          fillOpacity={0.45}
          name="Ratings counted"
          isAnimationActive={false}
          maxBarSize={12}
          minPointSize={1}
        />
        <Bar
          yAxisId="count"
          dataKey="held"
          stackId="ratings"
          fill="var(--danger)"
          name="Ratings held"
          isAnimationActive={false}
          maxBarSize={12}
        />
        <Line
          yAxisId="score"
          dataKey="score"
          type="stepAfter"
          stroke="var(--focus)"
          strokeWidth={2}
          dot={false}
          connectNulls
          name="Displayed score"
          isAnimationActive={false}
        />
        <Tooltip
          labelFormatter={(t) => `${formatTick(Number(t))} UTC`}
          formatter={(value, name) => [
            name === "Displayed score" ? Number(value).toFixed(2) : String(value),
            name,
          ]}
          contentStyle={{ background: "var(--surface)", borderColor: "var(--border)", color: "var(--text)" }}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
