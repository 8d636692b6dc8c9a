import "server-only";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { cache } from "react";
import { authOptions } from "@/server/auth";
import { defaultLimits, getDb } from "@/server/runtime";
import { createContext } from "./context";
import { makeQueryClient } from "./query-client";
import { appRouter } from "./root";

/** The signed-in user's session in a server component (null when anonymous). */
export const getSession = cache(() => getServerSession(authOptions()));

/** One query client per server request, shared by every component that prefetches. */
export const getQueryClient = cache(makeQueryClient);

/** tRPC for server components: prefetches into the request's query client for hydration. */
export const trpcServer = createTRPCOptionsProxy({
  router: appRouter,
  queryClient: getQueryClient,
  ctx: async () =>
    createContext({ db: await getDb(), headers: await headers(), limits: defaultLimits(), resHeaders: null }),
});
