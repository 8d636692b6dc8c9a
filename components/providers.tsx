"use client";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { Session } from "next-auth";
import { useEffect, useState, type ReactNode } from "react";
import { MAX_BATCH_CALLS } from "@/server/api/batch";
import type { AppRouter } from "@/server/api/root";
import { makeQueryClient } from "@/server/api/query-client";
import { SessionProvider } from "./session";
import { TRPCProvider } from "./trpc";

let browserQueryClient: QueryClient | undefined;

// One client per browser tab, but a fresh one per server render so users never share a cache.
function getQueryClient(): QueryClient {
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

/**
 * `serverTrpcUrl`: where server rendering of client components reaches the API (the server's own
 * port, from its configuration); the browser uses the page's origin.
 */
export function Providers({
  children,
  session,
  serverTrpcUrl,
}: {
  children: ReactNode;
  session: Session | null;
  serverTrpcUrl: string;
}) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: typeof window === "undefined" ? serverTrpcUrl : "/api/trpc",
          maxItems: MAX_BATCH_CALLS,
        }),
      ],
    }),
  );
  // Marks the document once React has taken over the server-rendered HTML: browser tests wait for
  // it before typing, since input typed before hydration can be lost.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <SessionProvider session={session}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </SessionProvider>
  );
}
