// Rating-event scenarios for `npm run bench:manipulation`: organic traffic as specified in
// docs/benchmarks.md plus one attack (or genuine change) per scenario. Everything is drawn from a
// seeded generator so a run is reproducible seed for seed.
import { mulberry32 } from "@/tests/support/random";
import {
  SITE_PROFILE_PARAMS,
  exposureWindows,
  learningPeriod,
  type PostActivity,
  type SiteSummary,
} from "@/server/ratings/scoring/site-profile";

export const WINDOW_SECONDS = 120;
const HOUR = 3600;
const DAY = 24 * HOUR;
/** The event (attack, change or wave) always starts here: 2026-03-02T00:00:00Z. */
export const EVENT_TIME = Date.parse("2026-03-02T00:00:00Z") / 1000;
/** Every run ends 24 h after the event. */
export const AFTER_SECONDS = DAY;

/**
 * A rating event; `legit` is false for an attacker's rating. `post` is one of the scenario's
 * measured posts (`postsOf`; absent: its only one) or a post elsewhere on the site (`x…`), rated by
 * an honest heavy rater.
 */
export type BenchEvent = { t: number; user: string; score: number; legit: boolean; post?: string };

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
  /** Posts measured, each with its own organic traffic (default 1). */
  posts?: number;
  /** Organic history before the event, seconds. */
  historySeconds: number;
  /** Organic ratings per window (before the daily cycle) at time t. */
  base: (t: number) => number;
  /** The organic raters' true quality q at time t. */
  quality: (t: number) => number;
  /** An organic rater's score at time t, when not round(q + noise) (e.g. a polarised audience). */
  score?: (random: Random, t: number) => number;
  /** Attack events, given the organic events generated so far (some scenarios reuse their raters). */
  attack?: (random: Random, organic: BenchEvent[]) => BenchEvent[];
  /** The legitimate opinion changes at the event: report the time to converge. */
  genuineChange?: boolean;
  /** The site's (and the post's organic) daily cycle at time t; default 1 + 0.5·sin, peaking at 06 UTC. */
  dayShape?: (t: number) => number;
  /** The site around the post: this many other posts of the long tail in the learning days. */
  sitePosts?: number;
};

const sineDay = (t: number) => 1 + 0.5 * Math.sin((2 * Math.PI * t) / DAY);

/**
 * Typical long-tail attention by age bucket (0–15 min, 15 min–1 h, 1–6 h, 6–24 h, later), as a
 * multiple of a post's own level: new posts are seen more, old ones less.
 */
const ATTENTION_BY_AGE = [4, 3, 1.5, 1, 0.5];

/**
 * The learning counts of the scenario's site for a day: `sitePosts` quiet posts first rated over
 * the ten days before it, each at a level drawn around 0.06 ratings per window (log-normal), their
 * ratings per age bucket drawn as Poisson counts and the site's ratings per hour following the
 * scenario's daily cycle. Cheap: counts, not rating events.
 */
export function siteBackground(
  scenario: Scenario,
  seed: number,
): ((day: number) => SiteSummary | null) | undefined {
  const count = scenario.sitePosts;
  if (!count) return undefined;
  const shape = scenario.dayShape ?? sineDay;
  return (day) => {
    const random = new Random(seed * 7919 + day / DAY);
    const { from, to } = learningPeriod(day);
    const posts: PostActivity[] = [];
    let ratings = 0;
    for (let i = 0; i < count; i++) {
      const first = to - WINDOW_SECONDS * (1 + random.int((10 * DAY) / WINDOW_SECONDS));
      const level = 0.06 * Math.exp(0.7 * random.normal());
      const bucketCounts = ATTENTION_BY_AGE.map((attention, bucket) => {
        const exposure = exposureWindows(first, bucket, from, to, WINDOW_SECONDS, SITE_PROFILE_PARAMS);
        return random.poisson(level * attention * exposure);
      });
      const n = bucketCounts.reduce((a, b) => a + b, 0);
      ratings += n;
      if (first >= from || n > 0) posts.push({ first, bucketCounts });
    }
    const weights = Array.from({ length: 24 }, (_, h) => shape(from + h * HOUR + HOUR / 2));
    const sum = weights.reduce((a, b) => a + b, 0);
    const hourCounts = weights.map((w) => random.poisson((ratings * w) / sum));
    return { day, hourCounts, posts };
  };
}

export type GeneratedRun = { events: BenchEvent[]; start: number; end: number };

/** The measured posts of a scenario: "p" alone, or p0, p1, … */
export function postsOf(scenario: Scenario): string[] {
  const n = scenario.posts ?? 1;
  return n === 1 ? ["p"] : Array.from({ length: n }, (_, i) => `p${i}`);
}

/**
 * Honest heavy raters: this share of organic raters also rate HEAVY_OTHERS_MIN…MAX other posts of
 * the site within HEAVY_SPAN_SECONDS either side of their rating, so about 12 % of organic
 * ratings carry the cross-post flag, as a site's busiest readers would give it.
 */
const HEAVY_SHARE = 0.15;
const HEAVY_OTHERS_MIN = 3;
const HEAVY_OTHERS_MAX = 8;
const HEAVY_SPAN_SECONDS = 4 * HOUR;
/** Posts elsewhere on the site the heavy raters rate (not measured). */
const ELSEWHERE_POSTS = 1000;

/** Share of organic raters who later change their rating, and when (uniform delay). */
const UPDATE_SHARE = 0.05;
const UPDATE_MIN_DELAY = HOUR;
const UPDATE_MAX_DELAY = DAY;

export function generate(scenario: Scenario, seed: number): GeneratedRun {
  const random = new Random(seed);
  // The heavy raters' other ratings draw from their own generator, so every scenario's own stream
  // stays what it was before they existed.
  const elsewhereRandom = new Random(seed + 7_919);
  const start = EVENT_TIME - scenario.historySeconds;
  const end = EVENT_TIME + AFTER_SECONDS;
  const organic: BenchEvent[] = [];
  const posts = postsOf(scenario);
  const single = posts.length === 1;
  let nextUser = 0;
  for (let w = start; w < end; w += WINDOW_SECONDS) {
    const lambda = scenario.base(w) * (scenario.dayShape ?? sineDay)(w);
    for (const post of posts) {
      const n = random.poisson(lambda);
      for (let k = 0; k < n; k++) {
        const t = w + random.uniform() * WINDOW_SECONDS;
        const user = `u${nextUser++}`;
        const draw = (at: number) =>
          scenario.score?.(random, at) ?? organicScore(random, scenario.quality(at));
        const on = single ? {} : { post };
        organic.push({ t, user, score: draw(t), legit: true, ...on });
        if (random.uniform() < UPDATE_SHARE) {
          const later = t + UPDATE_MIN_DELAY + random.uniform() * (UPDATE_MAX_DELAY - UPDATE_MIN_DELAY);
          if (later < end) organic.push({ t: later, user, score: draw(later), legit: true, ...on });
        }
        const r = elsewhereRandom;
        if (r.uniform() < HEAVY_SHARE) {
          const others = HEAVY_OTHERS_MIN + r.int(HEAVY_OTHERS_MAX - HEAVY_OTHERS_MIN + 1);
          for (let o = 0; o < others; o++) {
            const at = t + (2 * r.uniform() - 1) * HEAVY_SPAN_SECONDS;
            const elsewhere = `x${r.int(ELSEWHERE_POSTS)}`;
            if (at >= start && at < end)
              organic.push({ t: at, user, score: organicScore(r, 3.5), legit: true, post: elsewhere });
          }
        }
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

/** `count` new accounts whose rating times follow `shape`: a density over [0, 1) of the span, sampled by rejection. */
function shaped(
  random: Random,
  count: number,
  from: number,
  seconds: number,
  shape: (x: number) => number,
  score: (r: Random) => number,
): BenchEvent[] {
  const events: BenchEvent[] = [];
  while (events.length < count) {
    const x = random.uniform();
    if (random.uniform() < shape(x))
      events.push({ t: from + x * seconds, user: `a${events.length}`, score: score(random), legit: false });
  }
  return events;
}

/**
 * `accounts` new accounts, each rating `each` distinct posts of p0…p{posts−1} at uniform times
 * within [from, from + seconds): one campaign over several posts.
 */
function sharedAccounts(
  random: Random,
  accounts: number,
  each: number,
  posts: number,
  from: number,
  seconds: number,
  score: (r: Random) => number,
): BenchEvent[] {
  const events: BenchEvent[] = [];
  for (let a = 0; a < accounts; a++) {
    const order = Array.from({ length: posts }, (_, i) => i);
    for (let i = posts - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order.slice(0, each))
      events.push({
        t: from + random.uniform() * seconds,
        user: `a${a}`,
        score: score(random),
        legit: false,
        post: `p${i}`,
      });
  }
  return events;
}

/** UTC hour of a Unix time. */
const hourOf = (t: number) => Math.floor((t % DAY) / HOUR);

const constant = (value: number) => () => value;
const step = (before: number, after: number) => (t: number) => (t < EVENT_TIME ? before : after);
const during = (seconds: number, inside: number, outside: number) => (t: number) =>
  t >= EVENT_TIME && t < EVENT_TIME + seconds ? inside : outside;

/** Posts of the long tail around the scenarios that are about quiet, young or tiny posts. */
const SITE_POSTS = 600;

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
      const raters = [...new Set(organic.filter((e) => e.t < EVENT_TIME && !e.post).map((e) => e.user))];
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
  {
    name: "tiny-bomb",
    description:
      "300 zeros in 10 minutes on a post with a handful of ratings (q = 4.0, base 0.03/window, 4 h old)",
    historySeconds: 4 * HOUR,
    base: constant(0.03),
    quality: constant(4),
    sitePosts: SITE_POSTS,
    attack: (random) => crowd(random, "a", 300, EVENT_TIME, 600, () => 0),
  },
  {
    name: "newborn-boost",
    description: "150 fives in 30 minutes on a post 16 minutes old (q = 2.5, base 1/window)",
    historySeconds: 16 * 60,
    base: constant(1),
    quality: constant(2.5),
    sitePosts: SITE_POSTS,
    attack: (random) => crowd(random, "a", 150, EVENT_TIME, 1800, () => 5),
  },
  {
    name: "quiet-drip",
    description:
      "300 zeros over 5 hours on a quiet post (q = 4.0, base 0.1/window: one rating per 20 minutes)",
    historySeconds: DAY,
    base: constant(0.1),
    quality: constant(4),
    sitePosts: SITE_POSTS,
    attack: (random) => crowd(random, "a", 300, EVENT_TIME, 5 * HOUR, () => 0),
  },
  {
    name: "24h-drip",
    description: "24 h of 0–1 stars at 0.75× the organic rate (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) =>
      crowd(random, "a", (0.75 * 2 * DAY) / WINDOW_SECONDS, EVENT_TIME, DAY, (r) => r.int(2)),
  },
  {
    name: "under-thresholds",
    description:
      "8 h of zeros at 0.45× the organic rate, sized to keep every window and the 30-minute sum under the old thresholds (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) =>
      crowd(random, "a", (0.45 * 2 * 8 * HOUR) / WINDOW_SECONDS, EVENT_TIME, 8 * HOUR, () => 0),
  },
  {
    name: "300-drip",
    description: "300 accounts rating 0 spread evenly over 24 h (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) => crowd(random, "a", 300, EVENT_TIME, DAY, () => 0),
  },
  {
    name: "300-trough",
    description:
      "300 accounts rating 0 in the quiet hours (the daily trough, 12–24 h after the event; q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) => crowd(random, "a", 300, EVENT_TIME + 14 * HOUR, 8 * HOUR, () => 0),
  },
  {
    name: "300-waves",
    description: "300 accounts rating 0 in 6 waves of 20 minutes, 4 h apart (q = 4.0, base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) =>
      shaped(
        random,
        300,
        EVENT_TIME,
        DAY,
        (x) => ((x * DAY) % (4 * HOUR) < 20 * 60 ? 1 : 0),
        () => 0,
      ),
  },
  {
    name: "author-spread",
    description:
      "20 quiet posts of one author (q = 4.0, base 0.1/window each); 300 accounts rate 5 of them each with a zero within 3 h (~75 zeros a post); figures are the mean over the 20 posts",
    posts: 20,
    historySeconds: DAY,
    base: constant(0.1),
    quality: constant(4),
    sitePosts: SITE_POSTS,
    attack: (random) => sharedAccounts(random, 300, 5, 20, EVENT_TIME, 3 * HOUR, () => 0),
  },
  {
    name: "cross-post-wide",
    description:
      "8 posts at base 2/window (q = 4.0); 160 accounts rate all 8 with 2 stars within 8 h: each post sees ~0.67 extra ratings a window (+33 % volume) of a star its own crowd often gives; figures are the mean over the 8 posts",
    posts: 8,
    historySeconds: DAY,
    base: constant(2),
    quality: constant(4),
    attack: (random) => sharedAccounts(random, 160, 8, 8, EVENT_TIME, 8 * HOUR, () => 2),
  },
  {
    name: "real-drop",
    description: "opinion drops 4.0 → 2.6 at the event, with 3× the volume from then on (base 2 → 6/window)",
    historySeconds: DAY,
    base: step(2, 6),
    quality: step(4, 2.6),
    genuineChange: true,
  },
  {
    name: "real-drop-2.8",
    description: "opinion drops 4.0 → 2.8 at the event, with 3× the volume from then on (base 2 → 6/window)",
    historySeconds: DAY,
    base: step(2, 6),
    quality: step(4, 2.8),
    genuineChange: true,
  },
  {
    name: "viral-tiny",
    description:
      "viral wave on a tiny post: 30/window for 2 h rating 1.5 stars higher (q 2.5 → 4.0, base 0.03/window)",
    historySeconds: 6 * HOUR,
    base: during(2 * HOUR, 30, 0.03),
    quality: step(2.5, 4),
    sitePosts: SITE_POSTS,
    genuineChange: true,
  },
  {
    name: "evening-audience",
    description:
      "every day 19–22 UTC a second audience at 3× volume rates 2.5 (others 4.0; base 2/window, 2 days of history)",
    historySeconds: 2 * DAY,
    base: (t) => (hourOf(t) >= 19 && hourOf(t) < 22 ? 6 : 2),
    quality: (t) => (hourOf(t) >= 19 && hourOf(t) < 22 ? 2.5 : 4),
  },
  {
    name: "polarised",
    description: "a polarised audience: 60 % rate 5, 40 % rate 0 or 1 (base 2/window)",
    historySeconds: DAY,
    base: constant(2),
    quality: constant(3),
    score: (random) => (random.uniform() < 0.6 ? 5 : random.int(2)),
  },
  {
    name: "three-ratings",
    description: "a post that gets about three ratings in two days (q = 4.0, base 0.004/window)",
    historySeconds: DAY,
    base: constant(0.004),
    quality: constant(4),
  },
  {
    name: "off-peak-campaign",
    description:
      "a site whose traffic peaks at 18 UTC (1 + 0.8·sin, the constant shape's trough); 150 accounts rate 1–2 over 03–09 UTC, its quiet hours (q = 4.0, base 2/window, 2 days of history, 600 site posts)",
    historySeconds: 2 * DAY,
    base: constant(2),
    quality: constant(4),
    dayShape: (t) => 1 + 0.8 * Math.sin((2 * Math.PI * (t - 12 * HOUR)) / DAY),
    sitePosts: SITE_POSTS,
    attack: (random) => crowd(random, "a", 150, EVENT_TIME + 3 * HOUR, 6 * HOUR, (r) => 1 + r.int(2)),
  },
];
