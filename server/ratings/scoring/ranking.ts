/**
 * Ranking for the "top" sort, apart from the displayed score: a Bayesian average (as IMDb ranks
 * its Top 250) pulls a post with few ratings toward a prior, so a lone 5★ does not outrank a post
 * rated 4.6 by hundreds. The displayed score stays the plain steady average.
 */
export const RANKING_PRIOR = { weight: 5, mean: 3 } as const;

/** (m·C + score·n) / (m + n); −1 for a post with no score, so unrated posts rank last. */
export function rankingScore(score: number | null, count: number): number {
  if (score === null) return -1;
  return (RANKING_PRIOR.weight * RANKING_PRIOR.mean + score * count) / (RANKING_PRIOR.weight + count);
}
