/**
 * The formats the list and post pages show (counts, dates, times, "5 minutes ago") are written out by
 * hand rather than with Intl: the first Intl formatter a page builds, `toLocaleString` included, loads
 * the locale's data, and that cost (~130 ms of main thread under Lighthouse's mobile slowdown on the
 * list; on the post page one `toLocaleString` was most of the post's hydration, 50–85 ms unthrottled,
 * measured with CPU profiles) fell inside hydration. They give exactly what Intl's "en" formats give
 * (tests/unit/format.test.ts compares).
 */
const COMPACT_UNITS = [
  [1e12, "t"],
  [1e9, "b"],
  [1e6, "m"],
  [1e3, "k"],
] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "999", "1.2k", "2.5m": a whole count, compact, with at most one decimal (Intl's compact "en", lowercased). */
function compactCount(count: number): string {
  for (const [index, [size, suffix]] of COMPACT_UNITS.entries()) {
    if (count < size) continue;
    // Tenths as a whole number, so halves round up as Intl rounds them (1,150 → 1.2k).
    const tenths = Math.round(count / (size / 10));
    // 999,950 rounds to 1000.0k: that is written 1m, as Intl writes it.
    const larger = COMPACT_UNITS[index - 1];
    if (tenths >= 10_000 && larger) return compactCount(larger[0]);
    return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}${suffix}`;
  }
  return String(count);
}

/** "999", "1,200", "-1,234,567": a whole number with thousands separators (what "en" writes). */
export function formatInteger(n: number): string {
  const digits = String(Math.abs(Math.round(n)));
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${n < 0 && Math.round(n) !== 0 ? "-" : ""}${groups.join(",")}`;
}

/** "1 star", "2 stars", "1,200 ratings": a whole count with its noun in the right number. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${formatInteger(count)} ${count === 1 ? singular : plural}`;
}

/** "No ratings", "1 rating", "1.2k ratings". */
export function formatRatingCount(count: number): string {
  if (count === 0) return "No ratings";
  return `${compactCount(count)} ${count === 1 ? "rating" : "ratings"}`;
}

/** One decimal, or null when nobody has rated (never a fake 0 or 2.5). */
export function formatScore(score: number | null): string | null {
  return score === null ? null : score.toFixed(1);
}

/** "Dec 1, 2026" in UTC. */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

const AGO_UNITS = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
] as const;

/** "just now", "5 minutes ago", "1 hour ago", "yesterday": how long ago, in its largest whole unit. */
export function formatAgo(elapsedMs: number): string {
  const [unit, size] = AGO_UNITS.find(([, ms]) => elapsedMs >= ms) ?? ["minute", 60_000];
  const n = Math.floor(elapsedMs / size);
  if (n < 1) return "just now";
  if (unit === "day" && n === 1) return "yesterday";
  return `${n} ${unit}${n === 1 ? "" : "s"} ago`;
}

/**
 * "Dec 1, 2026, 19:05" in UTC, from an ISO timestamp or ms since the epoch (token times; without
 * the year, the ticks and rows of the score timeline).
 */
export function formatDateTime(value: string | number, { year = true } = {}): string {
  const date = new Date(value);
  const two = (n: number) => String(n).padStart(2, "0");
  const day = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}${year ? `, ${date.getUTCFullYear()}` : ""}`;
  return `${day}, ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}

/**
 * "Dec 1, 19:05" in UTC, from Unix seconds: held-rating and lock times on the post and moderation
 * pages, written as the timeline writes its times (formatDateTime without the year).
 */
export function formatUtcTime(seconds: number): string {
  return formatDateTime(seconds * 1000, { year: false });
}

/** Minutes at 230 words a minute, at least one. */
export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / 230));
}
