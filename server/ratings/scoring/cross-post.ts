import { add, emptyHistogram, scale, type Histogram } from "./histogram";

/**
 * The cross-post flag of a rating: when it was written, its account had rated at least
 * `otherPosts` other posts within the previous `seconds`. Computed once, at write time, from the
 * account's own ratings (the submit statement in the database, `AccountActivity` in replay) and
 * stored with the rating, so the fold, the nightly correction and replay all read the same value.
 * A flag alone never holds anything: heavy honest raters are flagged too (docs/scoring.md).
 */
export const CROSS_POST_FLAG = {
  otherPosts: 2,
  seconds: 6 * 3600,
} as const;

/**
 * What each account rated last, and when: the replay's side of the flag. Events must arrive in
 * time order (as replay sorts them); entries older than the flag's span are forgotten.
 */
export class AccountActivity {
  private readonly lastRated = new Map<string, Map<string, number>>();

  constructor(private readonly flag: { otherPosts: number; seconds: number } = CROSS_POST_FLAG) {}

  /** Is a rating of `post` by `user` at `t` flagged? Call before `record`. */
  flagged(user: string, post: string, t: number): boolean {
    const posts = this.lastRated.get(user);
    if (!posts) return false;
    let others = 0;
    for (const [other, at] of posts) {
      if (at <= t - this.flag.seconds) posts.delete(other);
      else if (other !== post) others += 1;
    }
    return others >= this.flag.otherPosts;
  }

  /** The user wrote a rating of `post` at `t` (a re-submit of the same score writes nothing). */
  record(user: string, post: string, t: number): void {
    const posts = this.lastRated.get(user) ?? new Map<string, number>();
    posts.set(post, t);
    this.lastRated.set(user, posts);
  }
}

/** Per time scale: the decayed sum of the flagged ratings a post received, per star. */
export function foldFlagged(
  previous: readonly Histogram[] | undefined,
  decays: readonly number[],
  flagged: Readonly<Histogram> | undefined,
): Histogram[] {
  return decays.map((d, k) => {
    const before = previous?.[k] ? scale(previous[k], d) : emptyHistogram();
    return flagged ? add(before, flagged) : before;
  });
}
