// The Prometheus metrics: one registry per process, counted where things happen (requests,
// ratings, fold, correction, limiter), plus the engine's state read from the database at scrape
// time (readEngineStatus, the same numbers the operator page shows).
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { EngineStatus } from "@/server/operations/engine-status";

export type RatingOutcome = "accepted" | "limit" | "locked" | "invalid";

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metric = { registers: [registry] };
  return {
    registry,
    requests: new Counter({
      name: "steadystar_requests_total",
      help: "API calls by tRPC procedure and HTTP status",
      labelNames: ["procedure", "status"] as const,
      ...metric,
    }),
    requestSeconds: new Histogram({
      name: "steadystar_request_duration_seconds",
      help: "API call latency by tRPC procedure and HTTP status",
      labelNames: ["procedure", "status"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      ...metric,
    }),
    ratingsAccepted: new Counter({
      name: "steadystar_ratings_accepted_total",
      help: "Ratings stored (a re-submitted equal score included)",
      ...metric,
    }),
    ratingsRefused: new Counter({
      name: "steadystar_ratings_refused_total",
      help: "Ratings refused, by reason: limit (429), locked (post locked by a moderator), invalid (bad input or no such post)",
      labelNames: ["reason"] as const,
      ...metric,
    }),
    pending: new Gauge({
      name: "steadystar_fold_pending_ratings",
      help: "Ratings written but not folded into the windows yet",
      ...metric,
    }),
    lag: new Gauge({
      name: "steadystar_fold_lag_seconds",
      help: "Age of the oldest rating not folded yet (0 when none is pending)",
      ...metric,
    }),
    lastFold: new Gauge({
      name: "steadystar_fold_last_run_timestamp_seconds",
      help: "When the last fold run finished (any process), Unix seconds",
      ...metric,
    }),
    foldSeconds: new Histogram({
      name: "steadystar_fold_duration_seconds",
      help: "Fold runs in this process: time from start to the last post re-scored",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      ...metric,
    }),
    foldBatch: new Histogram({
      name: "steadystar_fold_batch_size",
      help: "Ratings moved by each fold batch in this process",
      buckets: [1, 10, 100, 1000, 5000, 10000, 50000],
      ...metric,
    }),
    correctionDrifted: new Counter({
      name: "steadystar_correction_drifted_posts_total",
      help: "Posts the correction found drifted, summed over its runs in this process",
      ...metric,
    }),
    lastCorrectionDrift: new Gauge({
      name: "steadystar_correction_last_drifted_posts",
      help: "Posts found drifted by the last correction run (any process); 0 unless something failed",
      ...metric,
    }),
    lastCorrectionScoreDifference: new Gauge({
      name: "steadystar_correction_last_max_score_difference",
      help: "Largest score difference the last correction run found",
      ...metric,
    }),
    lastCorrection: new Gauge({
      name: "steadystar_correction_last_run_timestamp_seconds",
      help: "When the last correction run finished, Unix seconds (0: never)",
      ...metric,
    }),
    heldPosts: new Gauge({
      name: "steadystar_held_posts",
      help: "Posts whose recent ratings the steady policy holds aside as bursts",
      ...metric,
    }),
    heldWeight: new Gauge({
      name: "steadystar_held_weight",
      help: "Weight of all held ratings (ratings counted at reduced weight, summed over posts)",
      ...metric,
    }),
    limiterFailOpen: new Counter({
      name: "steadystar_limiter_failopen_total",
      help: "Limit checks answered by the in-process fallback because Redis failed or timed out, by rule",
      labelNames: ["rule"] as const,
      ...metric,
    }),
    limiterLastFailOpen: new Gauge({
      name: "steadystar_limiter_last_failopen_timestamp_seconds",
      help: "When the limiter last fell back to in-process limits in this process (0: never)",
      ...metric,
    }),
    databaseUp: new Gauge({
      name: "steadystar_database_up",
      help: "1 when the last scrape could read the engine's state from the database, else 0 (engine gauges then keep their last values)",
      ...metric,
    }),
    poolSize: new Gauge({
      name: "steadystar_db_pool_size",
      help: "Database connections this process may open (DATABASE_POOL_SIZE; 1 for embedded PGlite)",
      ...metric,
    }),
    connections: new Gauge({
      name: "steadystar_db_connections",
      help: "The app's connections as the database sees them (all processes), by state",
      labelNames: ["state"] as const,
      ...metric,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

// Next.js dev re-evaluates modules and prom-client refuses a metric registered twice, so the
// metrics live on globalThis like the database handle.
const holder = globalThis as unknown as { steadystarMetrics?: Metrics };

export function metrics(): Metrics {
  holder.steadystarMetrics ??= createMetrics();
  return holder.steadystarMetrics;
}

export function recordRequest(procedure: string, status: number, seconds: number): void {
  const m = metrics();
  const labels = { procedure, status: String(status) };
  m.requests.inc(labels);
  m.requestSeconds.observe(labels, seconds);
}

export function recordRating(outcome: RatingOutcome): void {
  if (outcome === "accepted") metrics().ratingsAccepted.inc();
  else metrics().ratingsRefused.inc({ reason: outcome });
}

export function recordFold(report: { durationMs: number }, batchSizes: readonly number[]): void {
  const m = metrics();
  m.foldSeconds.observe(report.durationMs / 1000);
  for (const size of batchSizes) m.foldBatch.observe(size);
}

export function recordCorrection(report: { postsDrifted: number }): void {
  metrics().correctionDrifted.inc(report.postsDrifted);
}

export function recordLimiterFailOpen(rule: string): void {
  const m = metrics();
  m.limiterFailOpen.inc({ rule });
  m.limiterLastFailOpen.set(Date.now() / 1000);
}

/** Limiter fallbacks counted in this process, in total, and when the last one happened (null: never). */
export async function limiterFailOpenState(): Promise<{ total: number; lastAt: string | null }> {
  const m = metrics();
  const counted = await m.limiterFailOpen.get();
  const last = (await m.limiterLastFailOpen.get()).values[0]?.value ?? 0;
  return {
    total: counted.values.reduce((sum, v) => sum + v.value, 0),
    lastAt: last > 0 ? new Date(last * 1000).toISOString() : null,
  };
}

/** The Prometheus text exposition, with the engine's gauges set from `status` first (when there is one). */
export async function renderMetrics(
  status: EngineStatus | null,
): Promise<{ contentType: string; body: string }> {
  const m = metrics();
  if (status) setEngineGauges(m, status);
  return { contentType: m.registry.contentType, body: await m.registry.metrics() };
}

function setEngineGauges(m: Metrics, status: EngineStatus): void {
  m.pending.set(status.pending);
  m.lag.set(status.lagSeconds);
  m.lastFold.set(status.lastFold ? Date.parse(status.lastFold.finishedAt) / 1000 : 0);
  m.lastCorrection.set(status.lastCorrection ? Date.parse(status.lastCorrection.finishedAt) / 1000 : 0);
  m.lastCorrectionDrift.set(status.lastCorrection?.postsDrifted ?? 0);
  m.lastCorrectionScoreDifference.set(status.lastCorrection?.maxScoreDifference ?? 0);
  m.heldPosts.set(status.heldPosts);
  m.heldWeight.set(status.heldWeight);
  m.poolSize.set(status.database.poolSize);
  m.connections.reset();
  for (const [state, count] of Object.entries(status.database.connections))
    m.connections.set({ state }, count);
}
