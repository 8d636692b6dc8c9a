/**
 * The post page's query inputs and refresh interval, shared by the server component that prefetches
 * them and the client component that reads them: the hydrated cache is found only if the keys agree.
 */

/** The timeline's period. */
export const HISTORY_HOURS = 24;

/** Counts and score refresh this often while the page is visible (TanStack Query pauses hidden tabs). */
export const LIVE_MS = 15_000;
