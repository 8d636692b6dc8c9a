// Pages of the post list as an anonymous visitor sees them, shared for a moment by every request of
// the process. Under load most list requests ask for the same few pages (the newest twenty, the
// top twenty), and each one cost Postgres the page query: a join, twenty live counts and the
// timestamps' formatting. What such a page shows changes only when something is written (a rating
// moves a live count, a fold a score, a post is created, edited or hidden), so a page is kept
// PAGE_CACHE_MS at most and never past a change this process made. Signed-in viewers get their own
// rating and fresh live counts on top (listPosts), so what they just did shows at once.
import type { Db } from "@/db/client";
import type { PostPage } from "./queries";

/**
 * How long a page may be reused. Changes made by another process (a second server instance, a
 * command-line script) show after at most this long; those made here, at once. At a hundred list
 * requests a second it still spares Postgres nearly all of them.
 */
export const PAGE_CACHE_MS = 250;
const MAX_PAGES = 1_000;

type Entry = { epoch: number; until: number; page: Promise<PostPage> };
type State = { epoch: number; pages: WeakMap<Db, Map<string, Entry>> };

// On globalThis: the app router (server-rendered pages) and the pages router (/api/trpc) bundle
// this module separately, and a change made through one must end the pages the other keeps.
const globalForPages = globalThis as unknown as { steadystarPageCache?: State };
const state = (globalForPages.steadystarPageCache ??= { epoch: 0, pages: new WeakMap() });

/** Opts a database handle into the cache: the process's request handle does (server/runtime.ts). */
export function cachePagesOf(db: Db): void {
  if (!state.pages.has(db)) state.pages.set(db, new Map());
}

/** Something shown on the list was written by this process: no page read before it is reused. */
export function pagesChanged(): void {
  state.epoch += 1;
}

/**
 * The page under `key`, from a load that started after the last change and less than
 * PAGE_CACHE_MS ago, or from `load`. Concurrent requests for a missing page share one load; a
 * load that fails is not kept.
 */
export function cachedPage(
  db: Db,
  key: string,
  load: () => Promise<PostPage>,
  now = Date.now(),
): Promise<PostPage> {
  const pages = state.pages.get(db);
  if (!pages) return load();
  const found = pages.get(key);
  if (found && found.epoch === state.epoch && found.until > now) return found.page;
  if (pages.size >= MAX_PAGES) pages.clear();
  const entry: Entry = { epoch: state.epoch, until: now + PAGE_CACHE_MS, page: load() };
  pages.set(key, entry);
  entry.page.catch(() => {
    if (pages.get(key) === entry) pages.delete(key);
  });
  return entry.page;
}
