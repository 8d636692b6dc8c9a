import { describe, expect, it } from "vitest";
import { engineConfig } from "@/server/ratings/config";
import { jobMode, msUntilNextCorrection, msUntilNextMinute } from "@/server/jobs/schedule";

describe("job schedule", () => {
  it("folds on every whole minute", () => {
    expect(msUntilNextMinute(new Date("2026-11-21T10:00:59.250Z"))).toBe(750);
    expect(msUntilNextMinute(new Date("2026-11-21T10:01:00.000Z"))).toBe(60_000);
  });

  it("corrects at the next 03:00 UTC", () => {
    expect(msUntilNextCorrection(new Date("2026-11-21T02:59:00Z"))).toBe(60_000);
    expect(msUntilNextCorrection(new Date("2026-11-21T03:00:00Z"))).toBe(24 * 3600_000);
    expect(msUntilNextCorrection(new Date("2026-12-31T23:00:00Z"))).toBe(4 * 3600_000);
  });

  it("chooses Inngest with a signing key or dev server, the embedded scheduler otherwise", () => {
    expect(jobMode({})).toBe("embedded");
    expect(jobMode({ INNGEST_DEV: "1" })).toBe("inngest");
    expect(jobMode({ INNGEST_SIGNING_KEY: "signkey-prod-x", VERCEL: "1" })).toBe("inngest");
    expect(() => jobMode({ VERCEL: "1" })).toThrow(/INNGEST_SIGNING_KEY/);
  });

  it("validates the engine settings", () => {
    expect(engineConfig({})).toEqual({ windowSeconds: 120, policy: "steady" });
    expect(engineConfig({ RATING_WINDOW_SECONDS: "300", SCORE_POLICY: "windowed" })).toEqual({
      windowSeconds: 300,
      policy: "windowed",
    });
    expect(() => engineConfig({ RATING_WINDOW_SECONDS: "7" })).toThrow(/RATING_WINDOW_SECONDS/);
    expect(() => engineConfig({ RATING_WINDOW_SECONDS: "70" })).toThrow(/divides a day/);
    expect(() => engineConfig({ SCORE_POLICY: "median" })).toThrow(/SCORE_POLICY/);
  });
});
