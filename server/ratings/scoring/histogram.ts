/** Counts (or weights) of 0, 1, 2, 3, 4 and 5 star ratings. */
export type Histogram = [number, number, number, number, number, number];

export const STARS = [0, 1, 2, 3, 4, 5] as const;

export function emptyHistogram(): Histogram {
  return [0, 0, 0, 0, 0, 0];
}

export function total(h: Readonly<Histogram>): number {
  return h[0] + h[1] + h[2] + h[3] + h[4] + h[5];
}

/** Σ s·h[s]: the sum of the star values. */
export function starSum(h: Readonly<Histogram>): number {
  return h[1] + 2 * h[2] + 3 * h[3] + 4 * h[4] + 5 * h[5];
}

export function mean(h: Readonly<Histogram>): number | null {
  const n = total(h);
  return n === 0 ? null : starSum(h) / n;
}

export function add(a: Readonly<Histogram>, b: Readonly<Histogram>): Histogram {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4], a[5] + b[5]];
}

export function scale(h: Readonly<Histogram>, factor: number): Histogram {
  return [h[0] * factor, h[1] * factor, h[2] * factor, h[3] * factor, h[4] * factor, h[5] * factor];
}

/** Population standard deviation of the star values, or null when empty. */
export function stdev(h: Readonly<Histogram>): number | null {
  const n = total(h);
  const mu = mean(h);
  if (mu === null) return null;
  let squares = 0;
  for (const s of STARS) squares += h[s] * (s - mu) * (s - mu);
  return Math.sqrt(squares / n);
}
