// Rating-event scenarios for `npm run bench:manipulation`: organic traffic as specified in
// docs/benchmarks.md plus one attack (or genuine change) per scenario. Everything is drawn from a
// seeded generator so a run is reproducible seed for seed.
import { mulberry32 } from "@/tests/support/random";

export const WINDOW_SECONDS = 120;
const HOUR = 3600;
const DAY = 24 * HOUR;
/** The event (attack, change or wave) always starts here: 2026-03-02T00:00:00Z. */
export const EVENT_TIME = Date.parse("2026-03-02T00:00:00Z") / 1000;
/** Every run ends 24 h after the event. */
export const AFTER_SECONDS = DAY;

/** A rating event; `legit` is false for an attacker's rating. */
export type BenchEvent = { t: number; user: string; score: number; legit: boolean };

export class Random {
  private readonly next: () => number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(): number {
    return this.next();
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Box–Muller; the second value of each pair is kept for the next call. */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** Knuth's method for the small rates used here, a rounded normal beyond. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k += 1;
      p *= this.next();
    }
    return k;
  }
}

/** An organic rater's score: round(q + N(0, 1.2)), clamped to 0–5. */
export function organicScore(random: Random, quality: number): number {
  return Math.min(5, Math.max(0, Math.round(quality + 1.2 * random.normal())));
}

export type Scenario = {
  name: string;
  description: string;
  /** Organic history before the event, seconds. */
  historySeconds: number;
  /** Organic ratings per window (before the daily cycle) at time t. */
  base: (t: number) => number;
  /** The organic raters' true quality q at time t. */
  quality: (t: number) => number;
  /** Attack events, given the organic events generated so far (some scenarios reuse their raters). */
  attack?: (random: Random, organic: BenchEvent[]) => BenchEvent[];
  /** The legitimate opinion changes at the event: report the time to converge. */
  genuineChange?: boolean;
};

export type GeneratedRun = { events: BenchEvent[]; start: number; end: number };

/** Share of organic raters who later change their rating, and when (uniform delay). */
const UPDATE_SHARE = 0.05;
const UPDATE_MIN_DELAY = HOUR;
const UPDATE_MAX_DELAY = DAY;

export function generate(scenario: Scenario, seed: number): GeneratedRun {
  const random = new Random(seed);
  const start = EVENT_TIME - scenario.historySeconds;
  const end = EVENT_TIME + AFTER_SECONDS;
  const organic: BenchEvent[] = [];
  let nextUser = 0;
  for (let w = start; w < end; w += WINDOW_SECONDS) {
    const lambda = scenario.base(w) * (1 + 0.5 * Math.sin((2 * Math.PI * w) / DAY));
    const n = random.poisson(lambda);
    for (let k = 0; k < n; k++) {
      const t = w + random.uniform() * WINDOW_SECONDS;
      const user = `u${nextUser++}`;
      organic.push({ t, user, score: organicScore(random, scenario.quality(t)), legit: true });
      if (random.uniform() < UPDATE_SHARE) {
        const later = t + UPDATE_MIN_DELAY + random.uniform() * (UPDATE_MAX_DELAY - UPDATE_MIN_DELAY);
        if (later < end)
          organic.push({ t: later, user, score: organicScore(random, scenario.quality(later)), legit: true });
      }
    }
  }
  organic.sort((a, b) => a.t - b.t);
  const attack = scenario.attack?.(random, organic) ?? [];
  // An attacker's later organic-looking updates would make them legitimate again; they make none.
  const attackers = new Map<string, number>();
  for (const e of attack) attackers.set(e.user, Math.min(attackers.get(e.user) ?? Infinity, e.t));
  const events = [
    ...organic.filter((e) => !(attackers.has(e.user) && e.t >= attackers.get(e.user)!)),
    ...attack,
  ];
  events.sort((a, b) => a.t - b.t);
  return { events, start, end };
}

/** `count` new accounts rating within [from, from + seconds), each drawing a score with `score`. */
function crowd(
  random: Random,
  prefix: string,
  count: number,
  from: number,
  seconds: number,
  score: (r: Random) => number,
): BenchEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    t: from + random.uniform() * seconds,
    user: `${prefix}${i}`,
    score: score(random),
    legit: false,
  }));
}

const constant = (value: number) => () => value;
const step = (before: number, after: number) => (t: number) => (t < EVENT_TIME ? before : after);
const during = (seconds: number, inside: number, outside: number) => (t: number) =>
  t >= EVENT_TIME && t < EVENT_TIME + seconds ? inside : outside;

export const SCENARIOS: Scenario[] = [
  {
    name: "bomb",
    description: "300 zeros in 10 minutes (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) => crowd(random, "a", 300, EVENT_TIME, 600, () => 0),
  },
  {
    name: "boost",
    description: "300 fives in 10 minutes on a weak post (q = 1.5, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(1.5),
    attack: (random) => crowd(random, "a", 300, EVENT_TIME, 600, () => 5),
  },
  {
    name: "young-bomb",
    description: "300 zeros in 10 minutes on a post 1 h old (q = 4.0, base 2/window)",
    historySeconds: HOUR,
    base: constant(2),
    quality: constant(4),
    attack: (random) => crowd(random, "a", 300, EVENT_TIME, 600, () => 0),
  },
  {
    name: "slow-campaign",
    description: "600 accounts rating 0–2 over 3 hours (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) => crowd(random, "a", 600, EVENT_TIME, 3 * HOUR, (r) => r.int(3)),
  },
  {
    name: "flip",
    description: "150 existing raters flip to 0 within 10 minutes (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random, organic) => {
      const raters = [...new Set(organic.filter((e) => e.t < EVENT_TIME).map((e) => e.user))];
      for (let i = raters.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [raters[i], raters[j]] = [raters[j]!, raters[i]!];
      }
      return raters
        .slice(0, 150)
        .map((user) => ({ t: EVENT_TIME + random.uniform() * 600, user, score: 0, legit: false }));
    },
  },
  {
    name: "busy-bomb",
    description: "1,500 zeros in 10 minutes on a busy post (q = 4.0, base 20/window)",
    historySeconds: DAY,
    base: constant(20),
    quality: constant(4),
    attack: (random) => crowd(random, "a", 1500, EVENT_TIME, 600, () => 0),
  },
  {
    name: "6h-campaign",
    description:
      "6 h of attackers rating 0–1 at twice the organic rate, so traffic runs at ~3× normal (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) =>
      crowd(random, "a", (2 * 2 * (6 * HOUR)) / WINDOW_SECONDS, EVENT_TIME, 6 * HOUR, (r) => r.int(2)),
  },
  {
    name: "organic-low",
    description: "organic traffic only, base 1/window (q = 4.0)",
    historySeconds: DAY,
    base: constant(1),
    quality: constant(4),
  },
  {
    name: "organic-high",
    description: "organic traffic only, base 20/window (q = 4.0)",
    historySeconds: DAY,
    base: constant(20),
    quality: constant(4),
  },
  {
    name: "quality-drop",
    description: "true quality drops from 4.0 to 2.5 at the event, volume unchanged (base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: step(4, 2.5),
    genuineChange: true,
  },
  {
    name: "viral-same",
    description: "viral wave: 10× volume for 3 h, same quality (q = 3.2, base 2/window)",
    historySeconds: DAY,
    base: during(3 * HOUR, 20, 2),
    quality: constant(3.2),
  },
  {
    name: "viral-higher",
    description: "viral wave: 10× volume for 3 h rating higher (q 3.2 → 4.4 from the wave on, base 2/window)",
    historySeconds: DAY,
    base: during(3 * HOUR, 20, 2),
    quality: step(3.2, 4.4),
    genuineChange: true,
  },
];
