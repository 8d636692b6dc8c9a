// Runs once when a Next.js server process starts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startTracing } = await import("./server/telemetry/tracing");
  await startTracing(); // off unless OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set
  const { logLevel } = await import("./server/telemetry/log");
  logLevel(); // fail fast on a bad LOG_LEVEL
  const { maxFoldLagSeconds } = await import("./server/operations/readiness");
  maxFoldLagSeconds(); // and on a bad READY_MAX_FOLD_LAG_PERIODS
  const { jobMode } = await import("./server/jobs/schedule");
  const { engineConfig } = await import("./server/ratings/config");
  engineConfig(); // fail fast on a bad RATING_WINDOW_SECONDS or SCORE_POLICY
  const { limitsConfigFromEnv } = await import("./server/limits");
  limitsConfigFromEnv(); // fail fast on a bad LIMIT_* value or half the Upstash pair
  if (jobMode() === "inngest") return;
  if (process.env.STEADYSTAR_SCHEDULER === "off") return;
  const { getDb } = await import("./db/client");
  const { startEmbeddedScheduler } = await import("./server/jobs/scheduler");
  const { logger } = await import("./server/telemetry/log");
  startEmbeddedScheduler(getDb, (message) => logger().info(message));
  logger().info("[jobs] embedded mode: folding ratings every minute, nightly correction at 03:00 UTC");
}
