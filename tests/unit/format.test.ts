import { describe, expect, it } from "vitest";
import { countOf, formatRatingCount, formatScore, formatUtcTime, readingMinutes } from "@/components/format";

describe("display formatting", () => {
  it.each([
    [0, "No ratings"],
    [1, "1 rating"],
    [999, "999 ratings"],
    [1234, "1.2k ratings"],
    [2_500_000, "2.5m ratings"],
  ])("count %i → %s", (n, text) => expect(formatRatingCount(n)).toBe(text));

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

  it("shows held-rating times in UTC whatever the reader's zone", () => {
    expect(formatUtcTime(Date.UTC(2026, 11, 1, 19, 5) / 1000)).toBe("Dec 1, 07:05 PM");
  });
});
