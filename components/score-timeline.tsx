"use client";
import dynamic from "next/dynamic";
import { useEffect, useRef, useState, useSyncExternalStore, type RefObject } from "react";
import type { HistoryPoint } from "@/server/posts/history";
import { formatTick, heldSpans, timelineRows } from "./timeline-data";
import { formatInteger } from "./format";

// Recharts is loaded only when a post page draws its timeline, never with the list, and only once
// the plot is near the screen (see useNearScreenWhenIdle).
const ScoreTimelineChart = dynamic(() => import("./score-timeline-chart"), { ssr: false });

/** How far below the screen the plot may be when its drawing starts loading. */
const NEAR_SCREEN = "300px";

/**
 * True once the element has come within NEAR_SCREEN of the screen and the browser has then had an
 * idle moment. The chart library is the largest script of the post page: fetching, compiling and
 * drawing it while the page loads delayed the page's largest paint and blocked input for about a
 * second on a phone-class CPU, for a chart most readers reach only by scrolling.
 */
function useNearScreenWhenIdle(ref: RefObject<HTMLElement | null>): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    // Safari before 18 has no requestIdleCallback: a timeout is the nearest stand-in.
    const whenIdle =
      typeof window.requestIdleCallback === "function"
        ? (run: () => void) => {
            const handle = window.requestIdleCallback(run, { timeout: 2000 });
            return () => window.cancelIdleCallback(handle);
          }
        : (run: () => void) => {
            const handle = window.setTimeout(run, 200);
            return () => window.clearTimeout(handle);
          };
    let cancelIdle: (() => void) | undefined;
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        observer.disconnect();
        cancelIdle = whenIdle(() => setReady(true));
      },
      { rootMargin: `${NEAR_SCREEN} 0px` },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancelIdle?.();
    };
  }, [ref]);
  return ready;
}

/** Below this width the chart drops its axis titles and uses fewer, still dated, ticks. */
const NARROW_QUERY = "(max-width: 480px)";

function subscribeNarrow(onChange: () => void): () => void {
  const query = window.matchMedia(NARROW_QUERY);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

function useNarrow(): boolean {
  return useSyncExternalStore(
    subscribeNarrow,
    () => window.matchMedia(NARROW_QUERY).matches,
    () => false,
  );
}

function LegendKey({ kind, children }: { kind: string; children: string }) {
  return (
    <li>
      <span className={`key key-${kind}`} aria-hidden="true" />
      {children}
    </li>
  );
}

/**
 * The score and the ratings over the last `hours`: a chart for the eye, and the same figures as
 * a table (under "Show the data") for screen readers and keyboard users.
 */
export function ScoreTimeline({
  points,
  hours,
  windowSeconds,
}: {
  points: HistoryPoint[];
  hours: number;
  windowSeconds: number;
}) {
  const narrow = useNarrow();
  const plot = useRef<HTMLDivElement>(null);
  const drawing = useNearScreenWhenIdle(plot);
  // The axis ends now, whatever the data: a quiet last hour shows as empty, not stretched away.
  const [to] = useState(() => Date.now());
  const from = to - hours * 3_600_000;
  const windowMs = windowSeconds * 1000;
  const rows = timelineRows(points);
  const spans = heldSpans(rows, windowMs);
  const latest = rows.findLast((r) => r.score !== null)?.score;
  const summary =
    rows.length === 0
      ? `No ratings in the last ${hours} hours.`
      : `${formatInteger(rows.reduce((n, r) => n + r.counted + r.held, 0))} ratings in ${rows.length} windows of ${windowSeconds / 60} minutes; latest score ${latest?.toFixed(1) ?? "none"}` +
        (spans.length ? `; ratings held in ${spans.length} period${spans.length === 1 ? "" : "s"}.` : ".");
  return (
    <figure className="timeline" aria-labelledby="timeline-caption">
      <figcaption id="timeline-caption">
        <span className="visually-hidden">Score over time, last {hours} hours: </span>
        <span className="hint">{summary}</span>
      </figcaption>
      <ul className="timeline-legend" aria-label="Legend">
        <LegendKey kind="score">Displayed score (left, 0–5 ★)</LegendKey>
        <LegendKey kind="counted">Ratings per window (right)</LegendKey>
        <LegendKey kind="held">Ratings held aside</LegendKey>
        <LegendKey kind="period">Held period</LegendKey>
      </ul>
      {/* The plot's box has its final size before the chart is drawn (CSS), so nothing moves when it is. */}
      <div
        ref={plot}
        className={`timeline-plot${drawing ? "" : " chart-skeleton"}`}
        aria-hidden="true"
        data-testid="score-timeline"
      >
        {drawing && (
          <ScoreTimelineChart rows={rows} from={from} to={to} windowMs={windowMs} narrow={narrow} />
        )}
      </div>
      <p className="hint timeline-axis-note">Times in UTC, earliest on the left.</p>
      {spans.length > 0 && (
        <ul className="held-periods" aria-label="Held periods">
          {spans.map((s) => (
            <li key={s.from}>
              Held: {formatTick(s.from)}–{formatTick(s.to)} UTC
            </li>
          ))}
        </ul>
      )}
      {rows.length > 0 && (
        <details className="timeline-data">
          <summary>Show the data as a table</summary>
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">Ratings and score per window, last {hours} hours</caption>
              <thead>
                <tr>
                  <th scope="col">Window (UTC)</th>
                  <th scope="col">Ratings</th>
                  <th scope="col">Held</th>
                  <th scope="col">Score after</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.t}>
                    <th scope="row">{formatTick(r.t)}</th>
                    <td className="num">{r.counted + r.held}</td>
                    <td className="num">{r.held || "–"}</td>
                    <td className="num">{r.score?.toFixed(2) ?? "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </figure>
  );
}
