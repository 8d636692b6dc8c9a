import { TRPCError } from "@trpc/server";
import { isDatabaseUnavailable } from "@/db/errors";

/** How long a client is told to wait before retrying while the database is out of reach. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The one mapping of a database outage to HTTP: 503 with Retry-After instead of a 500, so clients
 * and load balancers back off and retry rather than report a bug. Null for any other error.
 */
export function databaseOutageError(error: unknown, resHeaders?: Headers): TRPCError | null {
  if (error instanceof TRPCError && error.code === "SERVICE_UNAVAILABLE") return error;
  if (!isDatabaseUnavailable(error)) return null;
  resHeaders?.set("Retry-After", String(DATABASE_RETRY_AFTER_SECONDS));
  return new TRPCError({
    code: "SERVICE_UNAVAILABLE",
    message: `the database is unavailable: try again in ${DATABASE_RETRY_AFTER_SECONDS} seconds`,
    cause: error,
  });
}
