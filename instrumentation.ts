// Runs once when a Next.js server process starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { jobMode } = await import("./server/jobs/schedule");
  const { engineConfig } = await import("./server/ratings/config");
  engineConfig(); // fail fast on a bad RATING_WINDOW_SECONDS or SCORE_POLICY
  const { authSecret, isProduction } = await import("./server/env");
  if (isProduction()) authSecret(); // without NEXTAUTH_SECRET every page would answer 500
  const { limitsConfigFromEnv } = await import("./server/limits");
  limitsConfigFromEnv(); // fail fast on a bad LIMIT_* value or half the Upstash pair
  if (jobMode() === "inngest") return;
  if (process.env.STEADYSTAR_SCHEDULER === "off") return;
  const { getJobsDb } = await import("./db/client");
  const { startEmbeddedScheduler } = await import("./server/jobs/scheduler");
  startEmbeddedScheduler(getJobsDb);
  console.log("[jobs] embedded mode: folding ratings every minute, nightly correction at 03:00 UTC");
}
