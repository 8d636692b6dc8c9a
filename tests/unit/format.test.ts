import { describe, expect, it } from "vitest";
import {
  countOf,
  formatAgo,
  formatDate,
  formatDateTime,
  formatInteger,
  formatRatingCount,
  formatScore,
  formatUtcTime,
  readingMinutes,
} from "@/components/format";
import { formatTick, heldSpans, hourTicks, insetTicks, timelineRows } from "@/components/timeline-data";

describe("display formatting", () => {
  it.each([
    [0, "No ratings"],
    [1, "1 rating"],
    [999, "999 ratings"],
    [1234, "1.2k ratings"],
    [2_500_000, "2.5m ratings"],
  ])("count %i → %s", (n, text) => expect(formatRatingCount(n)).toBe(text));

  it("writes every count as Intl's compact English would, lowercased, halves rounding up", () => {
    const intl = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
    const counts = [2, 999, 1000, 1049, 1050, 1150, 9949, 9950, 99_949, 99_950, 123_456, 999_949, 999_950];
    for (const n of [...counts, 1_000_000, 2_500_000, 12_345_678, 999_950_000, 1.2e9, 1.5e12]) {
      expect(formatRatingCount(n)).toBe(`${intl.format(n).toLowerCase()} ratings`);
    }
    for (let n = 1; n < 3_000_000; n = Math.ceil(n * 1.07) + 13) {
      expect(formatRatingCount(n).split(" ")[0]).toBe(intl.format(n).toLowerCase());
    }
  });

  it("writes dates and elapsed times as Intl's English would, in UTC", () => {
    const date = new Intl.DateTimeFormat("en", {
      year: "numeric",
      month: "short",
      day: "numeric",
      timeZone: "UTC",
    });
    for (let day = 0; day < 800; day += 17) {
      const iso = new Date(Date.UTC(2025, 0, 1, 23, 59) + day * 86_400_000).toISOString();
      expect(formatDate(iso)).toBe(date.format(new Date(iso)));
    }
    const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
    const units = [
      ["day", 86_400_000],
      ["hour", 3_600_000],
      ["minute", 60_000],
    ] as const;
    expect(formatAgo(0)).toBe("just now");
    expect(formatAgo(59_999)).toBe("just now");
    for (let ms = 60_000; ms < 40 * 86_400_000; ms = Math.ceil(ms * 1.3)) {
      const [unit, size] = units.find(([, s]) => ms >= s) ?? units[2];
      expect(formatAgo(ms)).toBe(relative.format(-Math.floor(ms / size), unit));
    }
    expect(formatAgo(86_400_000)).toBe("yesterday");
  });

  it.each([
    [0, "star", undefined, "0 stars"],
    [1, "star", undefined, "1 star"],
    [2, "star", undefined, "2 stars"],
    [1200, "rating", undefined, "1,200 ratings"],
    [1, "rating’s", "ratings’", "1 rating’s"],
    [3, "rating’s", "ratings’", "3 ratings’"],
  ])("countOf(%i, %s) → %s", (n, singular, plural, text) => expect(countOf(n, singular, plural)).toBe(text));

  it("shows no score rather than a fake one for an unrated post", () => {
    expect(formatScore(null)).toBeNull();
    expect(formatScore(0)).toBe("0.0");
    expect(formatScore(3.456)).toBe("3.5");
  });

  it("rounds reading time to whole minutes, at least one", () => {
    expect(readingMinutes(0)).toBe(1);
    expect(readingMinutes(1000)).toBe(4);
  });

  it("shows held-rating times in UTC whatever the reader's zone, in 24-hour time like the timeline", () => {
    const held = Date.UTC(2026, 11, 1, 19, 5);
    expect(formatUtcTime(held / 1000)).toBe("Dec 1, 19:05");
    expect(formatUtcTime(held / 1000)).toBe(formatTick(held));
  });

  it("shows token and timeline times with date and 24-hour time in UTC", () => {
    expect(formatDateTime("2026-12-01T19:05:09Z")).toBe("Dec 1, 2026, 19:05");
    expect(formatDateTime(Date.UTC(2026, 11, 2, 0, 0), { year: false })).toBe("Dec 2, 00:00");
  });

  it("writes date and time as Intl's en in UTC does, every hour of a year", () => {
    const options = {
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: "UTC",
    } as const;
    const withYear = new Intl.DateTimeFormat("en", { ...options, year: "numeric" });
    const withoutYear = new Intl.DateTimeFormat("en", options);
    for (let ms = Date.UTC(2025, 11, 31, 0, 7); ms < Date.UTC(2027, 0, 1); ms += 3_600_000 + 60_000) {
      expect(formatDateTime(ms)).toBe(withYear.format(ms));
      expect(formatDateTime(ms, { year: false })).toBe(withoutYear.format(ms));
    }
  });

  it("writes whole numbers with thousands separators as Intl's en does", () => {
    const intl = new Intl.NumberFormat("en");
    for (const n of [0, 7, 999, 1000, 1234, 99_999, 100_000, 1_234_567, 2_147_483_647, -1, -1234, -999_999])
      expect(formatInteger(n)).toBe(intl.format(n));
    expect(countOf(1200, "rating")).toBe("1,200 ratings");
    expect(countOf(1, "star")).toBe("1 star");
  });
});

describe("score timeline data", () => {
  const HOUR = 3_600_000;
  it("ticks on whole hours, earliest first, never more than asked", () => {
    const from = Date.UTC(2026, 11, 1, 21, 30);
    const to = from + 24 * HOUR;
    const six = hourTicks(from, to, 6);
    expect(six.length).toBeLessThanOrEqual(6);
    expect(six.every((t, i) => t % (6 * HOUR) === 0 && (i === 0 || t > six[i - 1]!))).toBe(true);
    expect(six[0]).toBe(Date.UTC(2026, 11, 2, 0));
    expect(hourTicks(from, from + 3 * HOUR, 3)).toEqual([1, 2, 3].map((h) => Date.UTC(2026, 11, 1, 21 + h)));
  });

  it("gives a narrow axis two dated ticks away from its ends, whatever the time of day", () => {
    for (let minutes = 0; minutes < 24 * 60; minutes += 7) {
      const to = Date.UTC(2026, 11, 1) + minutes * 60_000;
      const from = to - 24 * HOUR;
      const ticks = insetTicks(from, to);
      expect(ticks).toHaveLength(2);
      expect(ticks[0]! - from).toBeGreaterThanOrEqual(3 * HOUR);
      expect(to - ticks[1]!).toBeGreaterThanOrEqual(3 * HOUR);
      expect(ticks[1]! - ticks[0]!).toBeGreaterThanOrEqual(12 * HOUR);
      expect(ticks.every((t) => t % HOUR === 0)).toBe(true);
    }
  });

  it("splits each window into counted and held ratings and merges consecutive held windows", () => {
    const w = 120_000;
    const at = (i: number) => new Date(Date.UTC(2026, 11, 1) + i * w).toISOString();
    const rows = timelineRows([
      { windowStart: at(0), count: 3, mean: 4, score: 4, held: 0 },
      { windowStart: at(1), count: 200, mean: 0, score: 3.9, held: 196.6 },
      { windowStart: at(2), count: 150, mean: 0, score: 3.9, held: 149.2 },
      { windowStart: at(5), count: 90, mean: 0, score: 3.8, held: 88 },
    ]);
    expect(rows.map((r) => [r.counted, r.held])).toEqual([
      [3, 0],
      [3, 197],
      [1, 149],
      [2, 88],
    ]);
    expect(heldSpans(rows, w)).toEqual([
      { from: Date.parse(at(1)), to: Date.parse(at(3)) },
      { from: Date.parse(at(5)), to: Date.parse(at(6)) },
    ]);
  });
});
