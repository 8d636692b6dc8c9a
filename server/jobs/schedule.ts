// The two engine jobs and when they run: one definition for Inngest and the embedded scheduler.

export const FOLD_CRON = "* * * * *";
export const CORRECTION_CRON = "TZ=UTC 0 3 * * *";
export const CORRECTION_HOUR_UTC = 3;

/** Milliseconds until the next whole minute. */
export function msUntilNextMinute(now: Date): number {
  return 60_000 - (now.getTime() % 60_000);
}

/** Milliseconds until the next 03:00 UTC. */
export function msUntilNextCorrection(now: Date): number {
  const next = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), CORRECTION_HOUR_UTC),
  );
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1);
  return next.getTime() - now.getTime();
}

export type JobMode = "inngest" | "embedded";

/**
 * Inngest runs the crons when it can reach this app: with a signing key (Inngest Cloud) or
 * INNGEST_DEV (a local dev server). Otherwise an in-process scheduler does, which needs a
 * long-lived process: a serverless deployment without Inngest is refused at start.
 */
export function jobMode(env: Record<string, string | undefined>): JobMode {
  if (env.INNGEST_SIGNING_KEY || env.INNGEST_DEV) return "inngest";
  if (env.VERCEL) {
    throw new Error(
      "Neither INNGEST_SIGNING_KEY nor INNGEST_DEV is set. On Vercel the rating fold and nightly correction must run on Inngest: set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY.",
    );
  }
  return "embedded";
}
