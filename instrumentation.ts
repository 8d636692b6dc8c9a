// Runs once when a Next.js server process starts.
export async function register() {
  // Set by Next.js itself, not by the deployment: the Edge runtime has no process to schedule in.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { serverConfig } = await import("./server/env");
  // Parses and validates every variable now, so a bad value stops the server with its name.
  const config = serverConfig();
  if (!config.jobs.embeddedScheduler) return;
  const { getDb } = await import("./server/runtime");
  const { startEmbeddedScheduler } = await import("./server/jobs/scheduler");
  startEmbeddedScheduler(getDb, config.engine);
  console.log("[jobs] embedded mode: folding ratings every minute, nightly correction at 03:00 UTC");
}
