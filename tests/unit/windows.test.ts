import { describe, expect, it } from "vitest";
import { mulberry32 } from "@/tests/support/random";
import { initialState, replay } from "@/server/ratings/scoring/engine";
import type { Histogram } from "@/server/ratings/scoring/histogram";
import type { RatingWindow } from "@/server/ratings/scoring/policy";
import {
  checkpointStates,
  isCheckpoint,
  resumable,
  scorePosts,
  windowStart,
  windowStartIso,
} from "@/server/ratings/scoring/windows";

const W = 120;

function randomWindows(seed: number, count: number): RatingWindow[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => ({
    start: 7200 + i * W,
    counts: Array.from({ length: 6 }, () => Math.floor(random() * 3)) as Histogram,
  }));
}

describe("rating windows", () => {
  it("puts a moment in the UTC-aligned window that holds it", () => {
    expect(windowStart(239.999, W)).toBe(120);
    expect(windowStart(240, W)).toBe(240);
    expect(windowStartIso("2026-03-01T10:03:59.999999Z", W)).toBe("2026-03-01T10:02:00.000Z");
  });

  it("keeps checkpoints on whole hours only", () => {
    expect(isCheckpoint(3600)).toBe(true);
    expect(isCheckpoint(3600 + W)).toBe(false);
    const [scored] = scorePosts([1], new Map(), new Map([[1, randomWindows(1, 90)]]), "steady", W);
    expect(checkpointStates(scored!).map((c) => c.start)).toEqual([7200, 10800, 14400]);
  });

  it("resumes only a state of the same policy", () => {
    expect(resumable(initialState("mean"), "steady")).toBeNull();
    expect(resumable(initialState("steady"), "steady")).toEqual(initialState("steady"));
  });

  it("gives the same final state resumed from any checkpoint as replayed from scratch", () => {
    const windows = randomWindows(2, 120);
    const [full] = scorePosts([1], new Map(), new Map([[1, windows]]), "steady", W);
    for (const checkpoint of checkpointStates(full!)) {
      const after = windows.filter((w) => w.start > checkpoint.start);
      const [resumed] = scorePosts([1], new Map([[1, checkpoint.state]]), new Map([[1, after]]), "steady", W);
      expect(resumed!.final).toEqual(full!.final);
    }
    expect(full!.final).toEqual(replay(initialState("steady"), windows, W).at(-1));
  });
});
