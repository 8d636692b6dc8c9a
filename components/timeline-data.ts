import type { HistoryPoint } from "@/server/posts/history";
import { formatUtcTime } from "./format";

/** One window of the score timeline, in the numbers the chart and its table draw. */
export type TimelineRow = {
  /** Window start, ms since the epoch (the time axis is numeric so gaps stay honest). */
  t: number;
  /** Ratings of the window counted at full weight, and the part held aside (their sum is the window's count). */
  counted: number;
  held: number;
  score: number | null;
};

/** A run of consecutive held windows, [from, to) in ms. */
export type HeldSpan = { from: number; to: number };

export function timelineRows(points: readonly HistoryPoint[]): TimelineRow[] {
  return points.map((p) => {
    // Held weight can be fractional (a burst counts up to about one normal window); bars show whole ratings.
    const held = Math.min(p.count, Math.round(p.held));
    return { t: Date.parse(p.windowStart), counted: p.count - held, held, score: p.score };
  });
}

/** Consecutive held windows merged into spans, so a burst is one shaded period, not dozens. */
export function heldSpans(rows: readonly TimelineRow[], windowMs: number): HeldSpan[] {
  const spans: HeldSpan[] = [];
  for (const row of rows) {
    if (row.held === 0) continue;
    const last = spans.at(-1);
    if (last && row.t <= last.to) last.to = row.t + windowMs;
    else spans.push({ from: row.t, to: row.t + windowMs });
  }
  return spans;
}

const HOUR = 3_600_000;

/**
 * Whole-hour ticks across [from, to]: the smallest step of 1, 2, 3, 6 or 12 hours that gives at
 * most `maxTicks`, so labels never crowd a phone-width chart.
 */
export function hourTicks(from: number, to: number, maxTicks: number): number[] {
  const step =
    [1, 2, 3, 6, 12, 24].map((h) => h * HOUR).find((s) => (to - from) / s <= maxTicks) ?? 24 * HOUR;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/**
 * Two hour-aligned ticks for a narrow axis, each an eighth of the span in from its end: a centred
 * dated label is wider than the gap to the edge at the ends of a phone-width axis, and a chart
 * library that drops labels it cannot fit would then leave a single tick (or none) at some times
 * of day.
 */
export function insetTicks(from: number, to: number): number[] {
  const inset = (to - from) / 8;
  const inner = hourTicks(from + inset, to - inset, 4);
  return inner.length > 2 ? [inner[0]!, inner[inner.length - 1]!] : inner;
}

/**
 * "Dec 1, 14:00" in UTC: every tick carries its date, the axis may span midnight. The same format as
 * every other time on the post page (formatUtcTime).
 */
export const formatTick = (ms: number): string => formatUtcTime(ms / 1000);
