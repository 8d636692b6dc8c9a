// Work that must not delay (or, by its duration, reveal anything through) the response it follows.
import { after } from "next/server";

const pending = new Set<Promise<void>>();

/**
 * Runs the task after the response: inside a Next request it is handed to `after()` so a
 * serverless platform keeps the instance alive for it; elsewhere (tests, scripts) it simply runs.
 * A failure is logged, never thrown at the caller.
 */
export function inBackground(label: string, task: () => Promise<void>): void {
  const run: Promise<void> = task()
    .catch((error: unknown) => console.error(`[${label}] failed:`, error))
    .finally(() => pending.delete(run));
  pending.add(run);
  try {
    after(run);
  } catch {
    // Outside a request scope: nothing to extend, the promise runs to its end on its own.
  }
}

/** Resolves once every background task started so far (and any they started) has finished. */
export async function backgroundSettled(): Promise<void> {
  while (pending.size > 0) await Promise.all([...pending]);
}
