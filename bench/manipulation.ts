// `npm run bench:manipulation [-- --seeds N] [--scenario NAME] [--no-write]`
// Runs every scenario of bench/scenarios.ts through the server's window + scoring semantics
// (RatingSimulator), once per policy, scoring the post at every window close as the fold does, and
// reports how far each policy's displayed score strays from the legitimate raters' opinion.
// The full run replaces the section between the manipulation markers in docs/benchmarks.md.
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { replaceSection } from "./report";
import { initialState, replay } from "@/server/ratings/scoring/engine";
import { emptyHistogram, type Histogram } from "@/server/ratings/scoring/histogram";
import { POLICY_NAMES, type PolicyName } from "@/server/ratings/scoring/policy";
import { DEFAULT_STEADY_PARAMS, type SteadyState } from "@/server/ratings/scoring/steady";
import { SITE_PROFILE_PARAMS, withSiteProfiles } from "@/server/ratings/scoring/site-profile";
import { RatingSimulator } from "@/server/ratings/simulate";
import {
  EVENT_TIME,
  SCENARIOS,
  WINDOW_SECONDS,
  generate,
  postsOf,
  siteBackground,
  type Scenario,
} from "./scenarios";

const CONVERGED = 0.1;

type RunResult = {
  preError: number;
  maxDisplacement: number;
  errorAfter24h: number;
  /** Hours from the event until the error stays within 0.1 star for the rest of the run; null: never. */
  convergeHours: number | null;
  /** Legitimate rating weight held back / legitimate ratings (steady only). */
  heldShare: number | null;
  identical: boolean;
};

/** The bench's own bookkeeping of one measured post, independent of the simulator. */
type PostTruth = {
  /** Every user's current rating of it, its window (of its last change) and whether it is legitimate. */
  current: Map<string, { score: number; window: number; legit: boolean }>;
  legitSum: number;
  legitCount: number;
  /** Per policy: error before the event, largest after it, last, and the last window it exceeded 0.1. */
  errors: { pre: number; max: number; last: number; lastBad: number }[];
};

function runScenario(scenario: Scenario, seed: number, learn: boolean): Record<PolicyName, RunResult> {
  const { events, start, end } = generate(scenario, seed);
  const measured = postsOf(scenario);
  // Each simulator learns the site profile of every day from the days before it, as the server does.
  const background = siteBackground(scenario, seed);
  const simulators = POLICY_NAMES.map(
    (policy) => new RatingSimulator(policy, WINDOW_SECONDS, { background, learnSiteProfiles: learn }),
  );
  const truths = new Map<string, PostTruth>(
    measured.map((post) => [
      post,
      {
        current: new Map(),
        legitSum: 0,
        legitCount: 0,
        errors: POLICY_NAMES.map(() => ({
          pre: NaN,
          max: 0,
          last: NaN,
          lastBad: EVENT_TIME - WINDOW_SECONDS,
        })),
      },
    ]),
  );

  let i = 0;
  for (let w = start; w < end; w += WINDOW_SECONDS) {
    for (; i < events.length && events[i]!.t < w + WINDOW_SECONDS; i++) {
      const e = events[i]!;
      const post = e.post ?? measured[0]!;
      for (const simulator of simulators) simulator.submit({ t: e.t, user: e.user, post, score: e.score });
      // Ratings elsewhere on the site only feed the accounts' cross-post flags.
      const truth = truths.get(post);
      if (!truth) continue;
      const before = truth.current.get(e.user);
      if (before?.legit) {
        truth.legitSum -= before.score;
        truth.legitCount -= 1;
      }
      if (e.legit) {
        truth.legitSum += e.score;
        truth.legitCount += 1;
      }
      // Same semantics as rating.submit: re-submitting the same score changes nothing (not even legitimacy
      // for the truth, which has just been updated above — an attacker's unchanged 0 still stops being legit).
      if (before && before.score === e.score) {
        truth.current.set(e.user, { ...before, legit: e.legit });
        continue;
      }
      truth.current.set(e.user, { score: e.score, window: w, legit: e.legit });
    }
    // The window closes: the fold re-scores the posts.
    for (const [post, truth] of truths) {
      const legitMean = truth.legitCount > 0 ? truth.legitSum / truth.legitCount : NaN;
      simulators.forEach((simulator, p) => {
        const displayed = simulator.score(post).score;
        if (displayed === null || Number.isNaN(legitMean)) return;
        const error = Math.abs(displayed - legitMean);
        const e = truth.errors[p]!;
        if (w < EVENT_TIME) e.pre = error;
        else e.max = Math.max(e.max, error);
        e.last = error;
        if (w >= EVENT_TIME && error > CONVERGED) e.lastBad = w;
      });
    }
  }

  const results = {} as Record<PolicyName, RunResult>;
  simulators.forEach((simulator, p) => {
    const policy = POLICY_NAMES[p]!;
    const perPost = measured.map((post) => {
      const truth = truths.get(post)!;
      // The windows the bench's own bookkeeping gives (flags as the simulator stored them), replayed in full.
      const windows = new Map<number, Histogram>();
      for (const r of truth.current.values()) {
        const h = windows.get(r.window) ?? emptyHistogram();
        h[r.score]! += 1;
        windows.set(r.window, h);
      }
      const stored = simulator.windows(post);
      const sameWindows =
        stored.length === windows.size &&
        stored.every((sw) => windows.get(sw.start)?.every((c, s) => c === sw.counts[s]));
      const incremental = simulator.state(post);
      const full = replay(
        initialState(policy),
        withSiteProfiles(stored, simulator.siteProfiles()),
        WINDOW_SECONDS,
      ).at(-1);
      const e = truth.errors[p]!;
      const lastClose = end - WINDOW_SECONDS;
      let heldShare: number | null = null;
      if (policy === "steady") {
        // Held weight is not attributable to single ratings. Star by star, count it as legitimate in
        // the proportion of legitimate ratings among the current ratings of that star in the windows
        // it was held from (attackers mostly use other stars than the crowd, so this separates well).
        const steadiness = simulator.score(post).steadiness;
        const held = (incremental.inner as SteadyState).held;
        if (steadiness === null) heldShare = 0;
        else {
          const legitIn = emptyHistogram();
          const allIn = emptyHistogram();
          for (const r of truth.current.values()) {
            if (r.window < steadiness.heldSince || r.window > steadiness.lastHeldAt) continue;
            allIn[r.score]! += 1;
            if (r.legit) legitIn[r.score]! += 1;
          }
          const legitHeld = held.reduce(
            (sum, weight, s) => sum + (allIn[s] ? (weight * legitIn[s]!) / allIn[s]! : 0),
            0,
          );
          heldShare = legitHeld / truth.legitCount;
        }
      }
      return {
        preError: e.pre,
        maxDisplacement: e.max,
        errorAfter24h: e.last,
        convergeHours: e.lastBad >= lastClose ? null : (e.lastBad + WINDOW_SECONDS - EVENT_TIME) / 3600,
        heldShare,
        identical: sameWindows && JSON.stringify(incremental) === JSON.stringify(full),
      };
    });
    // Several measured posts: their mean (a post that never converged makes the run never converge).
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const converged = perPost.map((r) => r.convergeHours);
    results[policy] = {
      preError: mean(perPost.map((r) => r.preError)),
      maxDisplacement: mean(perPost.map((r) => r.maxDisplacement)),
      errorAfter24h: mean(perPost.map((r) => r.errorAfter24h)),
      convergeHours: converged.some((h) => h === null) ? null : Math.max(...(converged as number[])),
      heldShare: perPost[0]!.heldShare === null ? null : mean(perPost.map((r) => r.heldShare!)),
      identical: perPost.every((r) => r.identical),
    };
  });
  return results;
}

type Summary = {
  scenario: Scenario;
  policy: PolicyName;
  preError: number;
  maxDisplacement: number;
  worstDisplacement: number;
  errorAfter24h: number;
  convergeHours: number | null;
  neverConverged: number;
  heldShare: number | null;
  identical: boolean;
};

const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function summarize(scenario: Scenario, policy: PolicyName, runs: RunResult[]): Summary {
  const converged = runs.map((r) => r.convergeHours).filter((h): h is number => h !== null);
  const held = runs.map((r) => r.heldShare).filter((h): h is number => h !== null);
  return {
    scenario,
    policy,
    preError: average(runs.map((r) => r.preError)),
    maxDisplacement: average(runs.map((r) => r.maxDisplacement)),
    worstDisplacement: Math.max(...runs.map((r) => r.maxDisplacement)),
    errorAfter24h: average(runs.map((r) => r.errorAfter24h)),
    convergeHours: converged.length ? average(converged) : null,
    neverConverged: runs.length - converged.length,
    heldShare: held.length ? average(held) : null,
    identical: runs.every((r) => r.identical),
  };
}

function formatConverge(s: Summary, seeds: number): string {
  if (!s.scenario.genuineChange) return "—";
  if (s.convergeHours === null) return "never";
  return `${s.convergeHours.toFixed(1)} h${s.neverConverged ? ` (never in ${s.neverConverged}/${seeds})` : ""}`;
}

function table(summaries: Summary[], seeds: number): string {
  const lines = [
    "| scenario | policy | pre-attack error | max displacement (worst seed) | error after 24 h | converge within 0.1 | legit weight held | incremental = full |",
    "|---|---|---:|---:|---:|---:|---:|:---:|",
  ];
  for (const s of summaries) {
    lines.push(
      `| ${s.scenario.name} | ${s.policy} | ${s.preError.toFixed(3)} | ${s.maxDisplacement.toFixed(3)} (${s.worstDisplacement.toFixed(3)}) | ${s.errorAfter24h.toFixed(3)} | ${formatConverge(s, seeds)} | ${s.heldShare === null ? "—" : `${(100 * s.heldShare).toFixed(2)} %`} | ${s.identical ? "yes" : "NO"} |`,
    );
  }
  return lines.join("\n");
}

type Target = {
  label: string;
  scenarios: string[];
  value: (s: Summary) => number | null;
  limit: number;
  unit: string;
};

const displacement = (label: string, scenarios: string[], limit: number): Target => ({
  label,
  scenarios,
  value: (s) => s.maxDisplacement,
  limit,
  unit: "star",
});

const TARGETS: Target[] = [
  displacement("≤ 5 prior ratings, 300 zeros in 10 min: ≤ 0.5 star", ["tiny-bomb"], 0.5),
  displacement("post 16 min old, 150 fives in 30 min: ≤ 0.5 star", ["newborn-boost"], 0.5),
  displacement("quiet post, 300 zeros over 5 h: ≤ 0.4 star", ["quiet-drip"], 0.4),
  displacement(
    "24 h drip and 8 h under the old thresholds: ≤ 0.3 star",
    ["24h-drip", "under-thresholds"],
    0.3,
  ),
  displacement(
    "300 accounts over any 24 h shape: ≤ 0.15 star",
    ["300-drip", "300-trough", "300-waves"],
    0.15,
  ),
  displacement("one of 20 posts of an author: ≤ 0.2 star", ["author-spread"], 0.2),
  displacement("the same accounts shifting several posts at once: ≤ 0.08 star", ["cross-post-wide"], 0.08),
  displacement(
    "bursts that held before: ≤ 0.08 star",
    ["boost", "flip", "busy-bomb", "young-bomb", "6h-campaign"],
    0.08,
  ),
  displacement("recurring and polarised audiences: ≤ 0.08 star", ["evening-audience", "polarised"], 0.08),
  displacement("a post with 3 ratings shows their mean: ≤ 0.15 star", ["three-ratings"], 0.15),
  {
    label: "organic, recurring and polarised audiences (with honest heavy raters): legit weight held ≤ 1 %",
    scenarios: ["organic-low", "organic-high", "evening-audience", "polarised"],
    value: (s) => (s.heldShare === null ? null : 100 * s.heldShare),
    limit: 1,
    unit: "%",
  },
  {
    label: "a real drop of 1.2–1.5 stars followed within 0.1 in ≤ 6 h in every seed",
    scenarios: ["real-drop", "real-drop-2.8", "quality-drop"],
    value: (s) => (s.neverConverged > 0 || s.convergeHours === null ? Infinity : s.convergeHours),
    limit: 6,
    unit: "h",
  },
  {
    label: "a viral wave on a tiny post followed within 0.1 in ≤ 1 h in every seed",
    scenarios: ["viral-tiny"],
    value: (s) => (s.neverConverged > 0 || s.convergeHours === null ? Infinity : s.convergeHours),
    limit: 1,
    unit: "h",
  },
  {
    label: "bomb displacement ≤ 0.05 star",
    scenarios: ["bomb"],
    value: (s) => s.maxDisplacement,
    limit: 0.05,
    unit: "star",
  },
  {
    label: "3-hour campaign displacement ≤ 0.15 star",
    scenarios: ["slow-campaign"],
    value: (s) => s.maxDisplacement,
    limit: 0.15,
    unit: "star",
  },
  {
    label: "organic error ≤ 0.01 star",
    scenarios: ["organic-low", "organic-high"],
    value: (s) => s.maxDisplacement,
    limit: 0.01,
    unit: "star",
  },
  {
    label: "legit weight held on a same-quality viral wave ≤ 1 %",
    scenarios: ["viral-same"],
    value: (s) => (s.heldShare === null ? null : 100 * s.heldShare),
    limit: 1,
    unit: "%",
  },
  {
    label: "different viral crowd followed within 0.1 within 6 h of the wave",
    scenarios: ["viral-higher"],
    value: (s) => (s.neverConverged > 0 || s.convergeHours === null ? Infinity : s.convergeHours),
    limit: 6,
    unit: "h",
  },
];

function targetLines(summaries: Summary[]): string[] {
  const lines: string[] = [];
  for (const target of TARGETS) {
    for (const name of target.scenarios) {
      const s = summaries.find((x) => x.policy === "steady" && x.scenario.name === name);
      if (!s) continue;
      const v = target.value(s);
      if (v === null) continue;
      const shown = Number.isFinite(v) ? `${v.toFixed(3)} ${target.unit}` : "never (in some seed)";
      lines.push(
        `- ${target.label} (${name}): ${shown} — ${v <= target.limit ? "**met**" : `**missed** by ${Number.isFinite(v) ? (v - target.limit).toFixed(3) : "∞"} ${target.unit}`}`,
      );
    }
  }
  const all = summaries.every((s) => s.identical);
  lines.push(
    `- incremental = full recompute for every scenario, seed and policy: ${all ? "**met**" : "**missed**"}`,
  );
  return lines;
}

function machine(): string {
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${os.cpus().length} CPUs (nproc ${os.availableParallelism()}), ${gib} GiB memory, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

function section(summaries: Summary[], seeds: number, seconds: number): string {
  return [
    "## Manipulation benchmark",
    "",
    "Generated by `npm run bench:manipulation` — do not edit by hand between the markers.",
    "",
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
    `- Machine: ${machine()}; run time ${seconds.toFixed(0)} s`,
    `- Seeds per scenario: ${seeds} (mean over seeds; worst seed in parentheses); window ${WINDOW_SECONDS} s`,
    `- Steady parameters (DEFAULT_STEADY_PARAMS): \`${JSON.stringify(DEFAULT_STEADY_PARAMS)}\``,
    `- Site profile parameters (SITE_PROFILE_PARAMS): \`${JSON.stringify(SITE_PROFILE_PARAMS)}\``,
    "",
    "Scenarios (the event starts at 2026-03-02T00:00Z after 24 h of organic history unless stated; each run ends 24 h after it):",
    "",
    ...SCENARIOS.map((s) => `- **${s.name}**: ${s.description}`),
    "",
    table(summaries, seeds),
    "",
    "Targets for `steady`:",
    "",
    ...targetLines(summaries),
  ].join("\n");
}

function main() {
  const { values } = parseArgs({
    options: {
      seeds: { type: "string", default: "8" },
      scenario: { type: "string" },
      "no-write": { type: "boolean", default: false },
      // Score every window against the constant site rate and shape instead of learned profiles.
      "constant-profile": { type: "boolean", default: false },
    },
  });
  const seeds = Number(values.seeds);
  if (!Number.isInteger(seeds) || seeds < 1) throw new Error("--seeds must be a positive whole number");
  const chosen = values.scenario ? SCENARIOS.filter((s) => s.name === values.scenario) : SCENARIOS;
  if (chosen.length === 0)
    throw new Error(`unknown scenario; one of: ${SCENARIOS.map((s) => s.name).join(", ")}`);

  const began = performance.now();
  const summaries: Summary[] = [];
  for (const scenario of chosen) {
    const runs = Array.from({ length: seeds }, (_, seed) =>
      runScenario(scenario, 1000 + seed, !values["constant-profile"]),
    );
    for (const policy of POLICY_NAMES)
      summaries.push(
        summarize(
          scenario,
          policy,
          runs.map((r) => r[policy]),
        ),
      );
  }
  const seconds = (performance.now() - began) / 1000;
  console.log(
    `${table(summaries, seeds)}\n\n${targetLines(summaries).join("\n")}\n\n${chosen.length} scenarios × ${seeds} seeds in ${seconds.toFixed(1)} s`,
  );

  // A partial run (one scenario, fewer seeds) is for iterating; only the full run is recorded.
  if (!values.scenario && seeds >= 8 && !values["no-write"] && !values["constant-profile"]) {
    replaceSection(
      path.join(process.cwd(), "docs", "benchmarks.md"),
      "manipulation",
      section(summaries, seeds, seconds),
    );
    console.log("\nwrote docs/benchmarks.md");
  }
  if (!summaries.every((s) => s.identical)) {
    console.error("\nFAILED: an incremental state differs from its full recompute");
    process.exit(1);
  }
}

main();
