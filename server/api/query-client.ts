// Query client options shared by server-component prefetching and the browser, so hydrated data
// is treated alike on both sides. Not server-only: client components import it too.
import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Server-rendered data is fresh for a while; refetching it on hydration would double the load.
      queries: { staleTime: 30_000, retry: 1 },
      dehydrate: {
        shouldDehydrateQuery: (query) =>
          defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
    },
  });
}
