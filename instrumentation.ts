// Runs once when a Next.js server process starts.
export async function register() {
  // Set by Next.js itself, not by the deployment: the Edge runtime has no process to schedule in.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { authSecret, serverConfig } = await import("./server/env");
  // Parses and validates every variable now, so a bad value stops the server with its name.
  const config = serverConfig();
  if (config.production) authSecret(config); // without NEXTAUTH_SECRET every page would answer 500
  const { startTracing } = await import("./server/telemetry/tracing");
  await startTracing(config.operations); // off unless an OTLP endpoint is set
  const { recordSocketAddresses } = await import("./server/client-address");
  recordSocketAddresses();
  const { refuseUnsupportedMethods } = await import("./server/http-methods");
  refuseUnsupportedMethods(); // TRACE would otherwise end in a 500 inside Next.js, on every path
  if (!config.jobs.embeddedScheduler) return;
  const { getJobsDb } = await import("./server/runtime");
  const { startEmbeddedScheduler } = await import("./server/jobs/scheduler");
  const { logger } = await import("./server/telemetry/log");
  const log = logger();
  startEmbeddedScheduler(getJobsDb, config.engine, (message) => log.info(message));
  log.info("[jobs] embedded mode: folding ratings every minute, nightly correction at 03:00 UTC");
}
