import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getToken } from "next-auth/jwt";
import type { NextRequest } from "next/server";
import type { Db } from "@/db/client";
import { authSecret } from "@/server/env";
import { clientIpFromHeaders, defaultLimits, type Limits } from "@/server/limits";
import { verifyToken } from "@/server/users/tokens";
import { appRouter } from "./root";
import type { Context } from "./trpc";

export const TRPC_ENDPOINT = "/api/trpc";

/**
 * The user of a request: an `Authorization: Bearer ss_…` API token when an Authorization header is
 * sent (a bad one means anonymous, never a fallback to the cookie), otherwise the session cookie.
 */
export async function userIdFromRequest(req: NextRequest, db: Db): Promise<number | null> {
  const authorization = req.headers.get("authorization");
  if (authorization !== null) {
    const bearer = /^bearer\s+(\S+)$/i.exec(authorization.trim());
    return bearer?.[1] ? ((await verifyToken(db, bearer[1]))?.userId ?? null) : null;
  }
  const token = await getToken({ req, secret: authSecret() });
  const id = Number(token?.sub);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The client's address as the platform reports it (Vercel and most proxies set X-Forwarded-For). */
export function clientIp(req: NextRequest): string {
  return clientIpFromHeaders((name) => req.headers.get(name));
}

/** The whole tRPC HTTP endpoint over a database; the route passes the process's own, with the process's limits. */
export function createTrpcHandler(openDb: () => Promise<Db>, options: { limits?: () => Limits } = {}) {
  const limitsFor = options.limits ?? defaultLimits;
  return (req: NextRequest): Promise<Response> =>
    fetchRequestHandler({
      endpoint: TRPC_ENDPOINT,
      req,
      router: appRouter,
      async createContext({ resHeaders }): Promise<Context> {
        const db = await openDb();
        return { db, userId: await userIdFromRequest(req, db), ip: clientIp(req), resHeaders, limits: limitsFor() };
      },
      onError({ error, path }) {
        if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
      },
    });
}
