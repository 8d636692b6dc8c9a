// Spans for the app's own work (requests, database statements, Redis calls, fold, re-scoring,
// correction). Tracing is off unless an OTLP endpoint is configured; while off, every helper here
// calls straight through, so the hot paths pay one boolean check and nothing else.
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import { PgPreparedQuery } from "drizzle-orm/pg-core";
import { observePreparedStatements } from "@/db/prepared";
import type { OperationsConfig } from "@/server/operations/config";

const TRACER_NAME = "steadystar";

const state = globalThis as unknown as { steadystarTracing?: boolean };

export function tracingEnabled(): boolean {
  return state.steadystarTracing === true;
}

/**
 * Turns the app's spans on, once a tracer provider is registered (instrumentation.ts does it with
 * @vercel/otel; tests with the SDK's in-memory exporter), and instruments database statements.
 */
export function enableTracing(): void {
  state.steadystarTracing = true;
  instrumentDatabase();
}

/**
 * Registers OpenTelemetry the way Next.js documents it (@vercel/otel), when the environment asks
 * for traces: exporter, protocol, headers and sampling come from the standard OTEL_* variables.
 * Returns whether tracing is on.
 */
export async function startTracing(config: OperationsConfig): Promise<boolean> {
  if (!config.tracing) return false;
  const { registerOTel } = await import("@vercel/otel");
  registerOTel({ serviceName: config.serviceName });
  enableTracing();
  return true;
}

/**
 * Runs `work` inside a span that is a child of the active one, ending it when the work settles
 * and marking it failed when it throws. With tracing off it only calls `work`.
 */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span | undefined) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!state.steadystarTracing) return work(undefined);
  // Next.js bundles instrumentation.ts apart from the routes, each with its own copy of drizzle:
  // the copy this module sees is instrumented on its first span.
  instrumentDatabase();
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : "" });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace id of the active span, when tracing is on (logged next to the request id). */
export function activeTraceId(): string | undefined {
  if (!state.steadystarTracing) return undefined;
  return trace.getSpan(context.active())?.spanContext().traceId;
}

/** "select", "insert", "with" …: the statement's first keyword, a low-cardinality span name. */
export function statementVerb(text: string): string {
  return /^\s*([a-z]+)/i.exec(text)?.[1]?.toLowerCase() ?? "sql";
}

type QueryRunner = (
  queryString: string,
  params: unknown[],
  query: () => Promise<unknown>,
) => Promise<unknown>;

/**
 * A span around every statement either driver runs. Both drizzle drivers (postgres.js and PGlite)
 * send each statement, inside transactions too, through PgPreparedQuery.queryWithCache, so wrapping
 * that one method covers them all. Installed only when tracing is on.
 */
const INSTRUMENTED = Symbol.for("steadystar.dbSpans");

function instrumentDatabase(): void {
  const proto = PgPreparedQuery.prototype as unknown as {
    queryWithCache?: QueryRunner;
    [INSTRUMENTED]?: true;
  };
  if (proto[INSTRUMENTED]) return;
  const original = proto.queryWithCache;
  if (typeof original !== "function") {
    throw new Error(
      "drizzle-orm no longer has PgPreparedQuery.queryWithCache: update server/telemetry/tracing.ts",
    );
  }
  proto[INSTRUMENTED] = true;
  proto.queryWithCache = function (this: unknown, queryString, params, query) {
    return statementSpan(queryString, () => original.call(this, queryString, params, query));
  };
  // The hot statements run on the driver directly (db/prepared.ts), past drizzle's method.
  observePreparedStatements(statementSpan);
}

function statementSpan<T>(queryString: string, run: () => Promise<T>): Promise<T> {
  const verb = statementVerb(queryString);
  return inSpan(
    `db ${verb}`,
    { "db.system": "postgresql", "db.operation.name": verb, "db.query.text": queryString },
    run,
    SpanKind.CLIENT,
  );
}
