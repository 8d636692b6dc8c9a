import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import type { Db } from "@/db/client";
import { authSecret } from "@/server/env";
import { appRouter } from "./root";
import type { Context } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

/** The signed-in user of a request, from the next-auth session cookie (a signed, encrypted JWT). */
export async function userIdFromRequest(req: NextRequest): Promise<number | null> {
  const token = await getToken({ req, secret: authSecret() });
  const id = Number(token?.sub);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The whole tRPC HTTP endpoint over a database; the route passes the process's own. */
export function createTrpcHandler(openDb: () => Promise<Db>) {
  return (req: NextRequest): Promise<Response> =>
    fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req,
      router: appRouter,
      async createContext({ resHeaders }): Promise<Context> {
        const [db, userId] = await Promise.all([openDb(), userIdFromRequest(req)]);
        return { db, userId, resHeaders };
      },
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
      },
    });
}
