// The operations settings (metrics, traces, logs, readiness), parsed from an environment. Pure:
// server/env.ts calls it once for the process; tests pass their own environment.
import { FOLD_PERIOD_SECONDS } from "@/server/jobs/schedule";

type Env = Record<string, string | undefined>;

export type OperationsConfig = {
  /** METRICS_TOKEN: the bearer secret of /api/metrics, or null (the endpoint answers 404). */
  metricsToken: string | null;
  /** True when an OTLP endpoint is set and OTEL_SDK_DISABLED is not "true". */
  tracing: boolean;
  serviceName: string;
  logLevel: string;
  /** /api/health/ready answers 503 once the oldest pending rating is older than this. */
  maxFoldLagSeconds: number;
};

/** Variables read here, and (the last two) the exporter settings @vercel/otel reads itself. */
export const OPERATIONS_VARIABLES = [
  "METRICS_TOKEN",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_SDK_DISABLED",
  "OTEL_SERVICE_NAME",
  "LOG_LEVEL",
  "READY_MAX_FOLD_LAG_PERIODS",
  "OTEL_EXPORTER_OTLP_HEADERS",
  "OTEL_EXPORTER_OTLP_PROTOCOL",
] as const;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** LOG_LEVEL (default info), validated: a typo names the variable instead of silencing the logs. */
export function logLevel(env: Env): string {
  const level = env.LOG_LEVEL?.trim().toLowerCase() || "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new Error(`LOG_LEVEL="${env.LOG_LEVEL}" must be one of ${LOG_LEVELS.join(", ")}`);
  }
  return level;
}

/** READY_MAX_FOLD_LAG_PERIODS (default 5) fold periods, in seconds. */
export function maxFoldLagSeconds(env: Env): number {
  const text = env.READY_MAX_FOLD_LAG_PERIODS ?? "5";
  const periods = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(periods) || periods < 1) {
    throw new Error(
      `READY_MAX_FOLD_LAG_PERIODS="${text}" must be a whole number of fold periods, at least 1`,
    );
  }
  return periods * FOLD_PERIOD_SECONDS;
}

/** True when the environment asks for traces: an OTLP endpoint is set and the SDK is not disabled. */
export function tracingConfigured(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

export function operationsConfig(env: Env): OperationsConfig {
  return {
    metricsToken: env.METRICS_TOKEN?.trim() || null,
    tracing: tracingConfigured(env),
    serviceName: env.OTEL_SERVICE_NAME?.trim() || "steadystar",
    logLevel: logLevel(env),
    maxFoldLagSeconds: maxFoldLagSeconds(env),
  };
}
