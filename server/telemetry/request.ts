// One API call, observed: a span named after the procedure, the request metrics, and a log line.
// Transport-neutral (the tRPC middleware calls it; so can any other entry point).
import { randomUUID } from "node:crypto";
import { SpanStatusCode } from "@opentelemetry/api";
import { logger } from "./log";
import { recordRequest } from "./metrics";
import { inSpan } from "./tracing";

/** A client's own request id is kept when it looks like one, so a proxy's id carries through. */
const REQUEST_ID = /^[\w.:-]{8,100}$/;

/** The request's id: X-Request-Id (or Vercel's X-Vercel-Id) when well-formed, otherwise a new UUID. */
export function requestIdFrom(get: (name: string) => string | null | undefined): string {
  const given = get("x-request-id") ?? get("x-vercel-id");
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

export type ObservedCall = { procedure: string; type: string; requestId: string };

/**
 * Runs one call: `statusOf` turns its outcome into the HTTP status it will answer with (the call
 * reports failures as values, as tRPC middlewares do). Thrown errors count as 500.
 */
export async function observeCall<T>(
  call: ObservedCall,
  run: () => Promise<T>,
  statusOf: (outcome: T) => number,
): Promise<T> {
  const started = performance.now();
  let status = 500;
  try {
    return await inSpan(
      `trpc ${call.procedure}`,
      {
        "rpc.system": "trpc",
        "rpc.method": call.procedure,
        "rpc.type": call.type,
        "request.id": call.requestId,
      },
      async (span) => {
        const outcome = await run();
        status = statusOf(outcome);
        span?.setAttribute("http.response.status_code", status);
        if (status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR });
        return outcome;
      },
    );
  } finally {
    const seconds = (performance.now() - started) / 1000;
    recordRequest(call.procedure, status, seconds);
    const log = logger();
    if (log.isLevelEnabled("debug")) {
      log.debug(
        { requestId: call.requestId, procedure: call.procedure, status, ms: seconds * 1000 },
        "api call",
      );
    }
  }
}
