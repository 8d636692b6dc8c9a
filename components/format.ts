const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });

/** "1 star", "2 stars", "1,200 ratings": a whole count with its noun in the right number. */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString("en")} ${count === 1 ? singular : plural}`;
}

/** "No ratings", "1 rating", "1.2k ratings". */
export function formatRatingCount(count: number): string {
  if (count === 0) return "No ratings";
  return `${compact.format(count).toLowerCase()} ${count === 1 ? "rating" : "ratings"}`;
}

/** One decimal, or null when nobody has rated (never a fake 0 or 2.5). */
export function formatScore(score: number | null): string | null {
  return score === null ? null : score.toFixed(1);
}

export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString("en", {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

/**
 * "Dec 1, 2026, 19:05" in UTC, from an ISO timestamp or ms since the epoch (token times; without
 * the year, the ticks and rows of the score timeline).
 */
export function formatDateTime(value: string | number, { year = true } = {}): string {
  return new Date(value).toLocaleString("en", {
    year: year ? "numeric" : undefined,
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  });
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
