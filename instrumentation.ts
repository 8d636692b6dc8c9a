// Runs once when a Next.js server process starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { jobMode } = await import("./server/jobs/schedule");
  const { engineConfig } = await import("./server/ratings/config");
  engineConfig(); // fail fast on a bad RATING_WINDOW_SECONDS or SCORE_POLICY
  const { limitsConfigFromEnv } = await import("./server/limits");
  limitsConfigFromEnv(); // fail fast on a bad LIMIT_* value or half the Upstash pair
  const { proxyTrustFromEnv, recordSocketAddresses } = await import("./server/client-address");
  proxyTrustFromEnv(); // fail fast on a bad TRUST_PROXY
  recordSocketAddresses();
  if (jobMode() === "inngest") return;
  if (process.env.STEADYSTAR_SCHEDULER === "off") return;
  const { getDb } = await import("./db/client");
  const { startEmbeddedScheduler } = await import("./server/jobs/scheduler");
  startEmbeddedScheduler(getDb);
  console.log("[jobs] embedded mode: folding ratings every minute, nightly correction at 03:00 UTC");
}
