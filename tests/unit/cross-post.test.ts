import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { heldBecause } from "@/components/steadiness-banner";
import { AccountActivity, CROSS_POST_FLAG } from "@/server/ratings/scoring/cross-post";
import type { Histogram } from "@/server/ratings/scoring/histogram";
import type { RatingWindow } from "@/server/ratings/scoring/policy";
import { replayEvents, type RatingEvent } from "@/server/ratings/simulate";
import { mulberry32 } from "../support/random";
import { organic, runSteady, W } from "../support/windows";

const HOUR_WINDOWS = 3600 / W;

/** Flags each rating of the windows with probability `share` (honest heavy raters rate like everyone). */
function withFlags(random: () => number, windows: RatingWindow[], share: number): RatingWindow[] {
  return windows.map((w) => {
    const flagged = w.counts.map((c) => {
      let f = 0;
      for (let k = 0; k < c; k++) if (random() < share) f += 1;
      return f;
    }) as Histogram;
    return { ...w, flagged };
  });
}

/** Adds `every`-th window a flagged rating of `star` to the windows (a thin campaign over many posts). */
function campaign(windows: RatingWindow[], star: number, every: number): RatingWindow[] {
  return windows.map((w, i) => {
    if (i % every !== 0) return w;
    const counts = [...w.counts] as Histogram;
    const flagged = [...(w.flagged ?? [0, 0, 0, 0, 0, 0])] as Histogram;
    counts[star] = (counts[star] ?? 0) + 1;
    flagged[star] = (flagged[star] ?? 0) + 1;
    return { ...w, counts, flagged };
  });
}

const legitMean = (windows: RatingWindow[]) => {
  let n = 0;
  let sum = 0;
  for (const w of windows) w.counts.forEach((c, s) => ((n += c), (sum += c * s)));
  return sum / n;
};

describe("cross-post flag (replay side)", () => {
  it("flags a rating when its account rated enough other posts within the span, by their last write", () => {
    const activity = new AccountActivity();
    const t = 1_000_000;
    expect(activity.flagged("u", "a", t)).toBe(false);
    activity.record("u", "a", t);
    activity.record("u", "a", t + 10); // the same post again: still one other post
    expect(activity.flagged("u", "b", t + 20)).toBe(false);
    activity.record("u", "b", t + 20);
    expect(activity.flagged("u", "c", t + 30)).toBe(CROSS_POST_FLAG.otherPosts <= 2);
    // Re-rating one of those posts counts the others, not itself.
    expect(activity.flagged("u", "a", t + 40)).toBe(CROSS_POST_FLAG.otherPosts <= 1);
    // Once the span has passed, the account is a fresh rater again.
    expect(activity.flagged("u", "c", t + 20 + CROSS_POST_FLAG.seconds)).toBe(false);
    expect(activity.flagged("v", "c", t + 30)).toBe(false);
  });
});

describe("cross-post rule of the steady policy", () => {
  const random = mulberry32(31);
  const history = withFlags(random, organic(random, 720, 2, 4), 0.12);
  const after = withFlags(random, organic(random, 8 * HOUR_WINDOWS, 2, 4, 720), 0.12);
  // One flagged 2★ every other window: +25 % volume, of a star this post's own crowd gives often.
  const thin = campaign(after, 2, 2);
  const legit = legitMean([...history, ...after]);

  it("holds a thin shifted campaign of flagged ratings that the per-post rules let through", () => {
    const steady = runSteady([...history, ...thin]);
    const without = runSteady([...history, ...thin], { crossPostShare: Infinity });
    expect(steady.steadiness?.rule.kind).toBe("cross-post");
    expect(Math.abs((steady.score ?? 0) - legit)).toBeLessThan(Math.abs((without.score ?? 0) - legit) / 2);
    // The per-post rules alone see nothing to hold.
    expect(without.steadiness).toBeNull();
  });

  it("never holds honest heavy raters: every rating flagged, rated like everyone else", () => {
    const allFlagged = withFlags(random, organic(mulberry32(32), 720 + 8 * HOUR_WINDOWS, 2, 4), 1);
    expect(runSteady(allFlagged).steadiness).toBeNull();
  });

  it("the flag alone holds nothing: unflagged, the same thin campaign passes", () => {
    const unflagged = thin.map(({ start, counts }) => ({ start, counts }));
    expect(
      runSteady([...history.map(({ start, counts }) => ({ start, counts })), ...unflagged]).steadiness,
    ).toBeNull();
  });

  it("is explained as a cross-post campaign", () => {
    const { steadiness } = runSteady([...history, ...thin]);
    expect(steadiness).not.toBeNull();
    const text = heldBecause(steadiness!.rule, "between 01:00 and 08:00 UTC", steadiness!.peakVolumeRatio);
    expect(text).toMatch(/cross-post campaign/);
    expect(text).toMatch(/accounts that were rating several other posts/);
  });
});

/** Four posts of organic 4-star traffic for 32 h; from hour 24, 60 accounts give each of them a 2★. */
function multiPostStream(): RatingEvent[] {
  const random = mulberry32(33);
  const t0 = Date.parse("2026-03-01T00:00:00Z") / 1000;
  const events: RatingEvent[] = [];
  let user = 0;
  for (let w = 0; w < 720 + 8 * HOUR_WINDOWS; w++) {
    for (const post of ["a", "b", "c", "d"]) {
      const n = Math.floor(random() * 4 + 0.5);
      for (let k = 0; k < n; k++) {
        const noise = (random() + random() + random() - 1.5) * 2;
        const score = Math.min(5, Math.max(0, Math.round(4 + noise)));
        events.push({ t: t0 + w * W + random() * W, user: `u${user++}`, post, score });
      }
    }
  }
  // 60 accounts give each of the four posts a 2★ within 8 hours.
  for (let a = 0; a < 60; a++)
    for (const post of ["a", "b", "c", "d"])
      events.push({ t: t0 + 720 * W + random() * 8 * 3600, user: `x${a}`, post, score: 2 });
  events.sort((x, y) => x.t - y.t);
  return events;
}

describe("replay of a multi-post stream", () => {
  it("the same accounts on several posts count as one campaign; each post replayed alone does not", () => {
    const events = multiPostStream();
    const last = (stream: RatingEvent[]) => {
      let final = null;
      for (const closed of replayEvents(stream, "steady", W)) if (closed.post === "a") final = closed.summary;
      return final!;
    };
    const together = last(events);
    const alone = last(events.filter((e) => e.post === "a"));
    expect(together.steadiness?.rule.kind).toBe("cross-post");
    expect(alone.steadiness).toBeNull();
    expect(together.count).toBe(alone.count);
  });
});

describe("npm run replay", () => {
  it("prints, for a multi-post stream in JSON lines, the scores of the cross-post-aware replay", async () => {
    const events = multiPostStream();
    const dir = await mkdtemp(path.join(os.tmpdir(), "replay-"));
    const file = path.join(dir, "events.jsonl");
    // Shuffled: exports are not always in time order.
    const shuffled = [...events].sort((a, b) => (a.user < b.user ? -1 : 1));
    await writeFile(file, shuffled.map((e) => JSON.stringify(e)).join("\n"));
    const { stdout } = await promisify(execFile)(
      path.join("node_modules", ".bin", "tsx"),
      [
        "--conditions=react-server",
        "--tsconfig",
        "tsconfig.json",
        "scripts/replay.ts",
        file,
        "--policy",
        "steady",
        "--window",
        String(W),
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const printed = stdout
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as { post: string; windowStart: number; count: number; score: number | null },
      );
    const expected = [...replayEvents(events, "steady", W)].map((c) => ({
      post: c.post,
      windowStart: c.windowStart,
      count: c.summary.count,
      score: c.summary.score,
    }));
    expect(printed).toEqual(expected);
    // Post "a" alone would have ended elsewhere: the other posts' ratings changed its score.
    const alone = [
      ...replayEvents(
        events.filter((e) => e.post === "a"),
        "steady",
        W,
      ),
    ].at(-1)!;
    const lastA = printed.filter((p) => p.post === "a").at(-1)!;
    expect(lastA.score).not.toBe(alone.summary.score);
  }, 120_000);
});
