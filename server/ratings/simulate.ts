import { AccountActivity } from "./scoring/cross-post";
import { initialState, summarize, type EngineState, type ScoreSummary } from "./scoring/engine";
import { emptyHistogram, type Histogram } from "./scoring/histogram";
import type { PolicyName, RatingWindow } from "./scoring/policy";
import {
  learnSiteProfile,
  summarizeSite,
  utcDay,
  withSiteProfiles,
  type SiteProfile,
  type SiteProfileBook,
  type SiteSummary,
} from "./scoring/site-profile";
import { checkpointStates, scorePosts, windowStart } from "./scoring/windows";

/** One rating event of an export: a repeated user+post is an update, as in rating.submit. */
export type RatingEvent = { t: number; user: string | number; post: string | number; score: number };

export type ClosedWindow = { post: string; windowStart: number; summary: ScoreSummary };

type PostTimeline = {
  /** Window start → histogram of the ratings whose last update falls in it… */
  windows: Map<number, Histogram>;
  /** …and of those of them flagged cross-post when written (absent: none). */
  flagged: Map<number, Histogram>;
  /** Checkpoint window start → engine state after it (as the server keeps in rating_windows.state). */
  checkpoints: Map<number, EngineState>;
  /** State after the last window (the server's posts.score_state). */
  final: EngineState | null;
  /** Earliest window changed since the post was last scored (the server's posts.rescore_from). */
  dirtyFrom: number | null;
  /** user → [score, window start, cross-post flag] of the current rating. */
  current: Map<string, [number, number, boolean]>;
};

/**
 * The server's window and scoring semantics without a database: ratings partitioned by the window
 * of their last update, a changed rating leaving its old window, and each post re-scored from the
 * state stored before its first changed window — the same `replay` the fold calls.
 */
export type SimulatorOptions = {
  /**
   * Ratings of the site beyond the simulated posts, as learning counts for a day (the manipulation
   * bench's background of quiet posts), added to what the simulated posts give.
   */
  background?: (day: number) => SiteSummary | null;
  /** false: learn nothing, every window scores against the constants (for comparison). */
  learnSiteProfiles?: boolean;
};

export class RatingSimulator {
  private readonly posts = new Map<string, PostTimeline>();
  /** Every account's recent ratings over all posts: the cross-post flag, as the submit statement computes it. */
  private readonly activity = new AccountActivity();
  /** Site profiles by UTC day, learned as the fold's first run of each day learns them. */
  private readonly profiles = new Map<number, SiteProfile>();
  private readonly daysSeen = new Set<number>();

  constructor(
    readonly policy: PolicyName,
    readonly windowSeconds: number,
    private readonly options: SimulatorOptions = {},
  ) {}

  /** The profiles learned so far (a day without one scores against the constants). */
  siteProfiles(): SiteProfileBook {
    return this.profiles;
  }

  /**
   * The first rating of a UTC day: learn the day's profile from the windows before it, before any
   * window of the day exists (the server's first fold of a day does the same after folding the
   * ratings of the day before).
   */
  private learnDay(day: number) {
    this.daysSeen.add(day);
    const own = summarizeSite(
      day,
      [...this.posts.values()].map((post) =>
        [...post.windows].map(([start, counts]): RatingWindow => ({ start, counts })),
      ),
    );
    const extra = this.options.background?.(day);
    const summary: SiteSummary = extra
      ? {
          day,
          hourCounts: own.hourCounts.map((n, h) => n + (extra.hourCounts[h] ?? 0)),
          posts: [...own.posts, ...extra.posts],
        }
      : own;
    const profile = learnSiteProfile(summary, this.windowSeconds);
    if (profile) this.profiles.set(day, profile);
  }

  windowOf(t: number): number {
    return windowStart(t, this.windowSeconds);
  }

  /** Applies one event; returns the score it replaced, if the user had rated the post before. */
  submit(event: RatingEvent): number | null {
    const day = utcDay(event.t);
    if (!this.daysSeen.has(day) && this.options.learnSiteProfiles !== false) this.learnDay(day);
    const key = String(event.post);
    const post: PostTimeline = this.posts.get(key) ?? {
      windows: new Map(),
      flagged: new Map(),
      checkpoints: new Map(),
      final: null,
      dirtyFrom: null,
      current: new Map(),
    };
    this.posts.set(key, post);
    const user = String(event.user);
    const previous = post.current.get(user);
    if (previous && previous[0] === event.score) return previous[0];
    const window = this.windowOf(event.t);
    const flagged = this.activity.flagged(user, key, event.t);
    this.activity.record(user, key, event.t);
    if (previous) {
      const [score, at, wasFlagged] = previous;
      const old = post.windows.get(at)!;
      old[score]! -= 1;
      if (old.every((c) => c === 0)) post.windows.delete(at);
      if (wasFlagged) {
        const oldFlagged = post.flagged.get(at)!;
        oldFlagged[score]! -= 1;
        if (oldFlagged.every((c) => c === 0)) post.flagged.delete(at);
      }
      this.markDirty(post, at);
    }
    const h = post.windows.get(window) ?? emptyHistogram();
    h[event.score]! += 1;
    post.windows.set(window, h);
    if (flagged) {
      const f = post.flagged.get(window) ?? emptyHistogram();
      f[event.score]! += 1;
      post.flagged.set(window, f);
    }
    this.markDirty(post, window);
    post.current.set(user, [event.score, window, flagged]);
    return previous ? previous[0] : null;
  }

  private markDirty(post: PostTimeline, window: number) {
    post.dirtyFrom = post.dirtyFrom === null ? window : Math.min(post.dirtyFrom, window);
  }

  /** Re-scores a post as the fold would, and returns its summary. */
  score(postKey: string): ScoreSummary {
    return summarize(this.state(postKey));
  }

  /** A post's engine state after its last window, re-scored from the last checkpoint before its first changed window. */
  state(postKey: string): EngineState {
    const post = this.posts.get(postKey);
    if (!post) return initialState(this.policy);
    if (post.dirtyFrom !== null) {
      const from = post.dirtyFrom;
      for (const s of [...post.checkpoints.keys()]) if (s >= from) post.checkpoints.delete(s);
      const resumeAt = Math.max(-Infinity, ...[...post.checkpoints.keys()]);
      const windows = [...post.windows.keys()]
        .filter((s) => s > resumeAt)
        .sort((a, b) => a - b)
        .map((s) => windowOf(post, s));
      const scoredWindows = withSiteProfiles(windows, this.profiles);
      const start = post.checkpoints.get(resumeAt) ?? initialState(this.policy);
      const [scored] = scorePosts(
        [0],
        new Map([[0, start]]),
        new Map([[0, scoredWindows]]),
        this.policy,
        this.windowSeconds,
      );
      for (const w of checkpointStates(scored!)) post.checkpoints.set(w.start, w.state);
      post.final = post.windows.size === 0 ? null : scored!.final;
      post.dirtyFrom = null;
    }
    return post.final ?? initialState(this.policy);
  }

  postKeys(): string[] {
    return [...this.posts.keys()];
  }

  /** A post's current windows in time order, as the fold would store them. */
  windows(postKey: string): RatingWindow[] {
    const post = this.posts.get(postKey);
    if (!post) return [];
    return [...post.windows.keys()].sort((a, b) => a - b).map((s) => windowOf(post, s));
  }
}

function windowOf(post: PostTimeline, start: number): RatingWindow {
  const flagged = post.flagged.get(start);
  return flagged
    ? { start, counts: post.windows.get(start)!, flagged }
    : { start, counts: post.windows.get(start)! };
}

/**
 * Replays events in time order and reports, at the close of every window, the score of each post
 * that received ratings in it. Events must be sorted by t.
 */
export function* replayEvents(
  events: Iterable<RatingEvent>,
  policy: PolicyName,
  windowSeconds: number,
): Generator<ClosedWindow> {
  const simulator = new RatingSimulator(policy, windowSeconds);
  let openWindow: number | null = null;
  let touched = new Set<string>();
  const close = function* (): Generator<ClosedWindow> {
    for (const post of touched) yield { post, windowStart: openWindow!, summary: simulator.score(post) };
    touched = new Set();
  };
  for (const event of events) {
    const window = simulator.windowOf(event.t);
    if (openWindow !== null && window !== openWindow) yield* close();
    if (openWindow !== null && window < openWindow)
      throw new Error(`events must be in time order (t=${event.t})`);
    openWindow = window;
    simulator.submit(event);
    touched.add(String(event.post));
  }
  if (openWindow !== null) yield* close();
}
