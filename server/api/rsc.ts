import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { getServerSession } from "next-auth";
import { cache } from "react";
import { getDb } from "@/db/client";
import { makeQueryClient } from "@/components/query-client";
import { authOptions } from "@/server/auth";
import { appRouter } from "./root";

/** The signed-in user's session in a server component (null when anonymous). */
export const getSession = cache(() => getServerSession(authOptions()));

/** One query client per server request, shared by every component that prefetches. */
export const getQueryClient = cache(makeQueryClient);

/** tRPC for server components: prefetches into the request's query client for hydration. */
export const trpcServer = createTRPCOptionsProxy({
  router: appRouter,
  queryClient: getQueryClient,
  ctx: async () => {
    const [db, session] = await Promise.all([getDb(), getSession()]);
    return { db, userId: session?.user.id ?? null };
  },
});
