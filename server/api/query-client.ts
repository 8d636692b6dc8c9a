// Query client options shared by server-component prefetching and the browser, so hydrated data
// is treated alike on both sides. Not server-only: client components import it too.
import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

/**
 * The HTTP status a failed query stands for: a server component's call throws the procedure's own
 * TRPCError, a browser's call a TRPCClientError carrying the response's status.
 */
function httpStatusOf(error: unknown): number | null {
  if (error instanceof TRPCError) return getHTTPStatusCodeFromError(error);
  const data = (error as { data?: { httpStatus?: unknown } } | null)?.data;
  return typeof data?.httpStatus === "number" ? data.httpStatus : null;
}

/**
 * One retry for a failure that may pass (a network error, a 5xx), none for a 4xx: asking again for a
 * missing post or with a bad input gets the same answer, only later (a missing post's page took a
 * second, most of it the retry's delay).
 */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== null && status >= 400 && status < 500) return false;
  return failureCount < 1;
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Server-rendered data is fresh for a while; refetching it on hydration would double the load.
      queries: { staleTime: 30_000, retry: shouldRetry },
      dehydrate: {
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}
