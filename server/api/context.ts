import "server-only";
import type { Db } from "@/db/client";
import { clientIpFromHeaders, type Limits } from "@/server/limits";
import { sessionClaims } from "@/server/session";
import { sessionUserId } from "@/server/users/sessions";
import { verifyToken } from "@/server/users/tokens";

/** What every procedure sees. Built by createContext for HTTP requests and server components alike. */
export type Context = {
  db: Db;
  /** The signed-in user (session cookie or API token), or null for an anonymous request. */
  userId: number | null;
  /** The client's address, for per-IP limits ("unknown" when the platform does not say). */
  ip: string;
  /** Response headers of the HTTP request (Retry-After and the like); null where there is no response. */
  resHeaders: Headers | null;
  /** Rate limits: the process's own for requests, UNLIMITED for scripts and tests that say so. */
  limits: Limits;
};

type HeaderSource = { get(name: string): string | null };

/**
 * The user of a request: an `Authorization: Bearer ss_…` API token when an Authorization header is
 * sent (a bad one means anonymous, never a fallback to the cookie), otherwise the session cookie,
 * unless that session was ended (sign-out, password change, role change).
 */
export async function userIdFromHeaders(headers: HeaderSource, db: Db): Promise<number | null> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const bearer = /^bearer\s+(\S+)$/i.exec(authorization.trim());
    return bearer?.[1] ? ((await verifyToken(db, bearer[1]))?.userId ?? null) : null;
  }
  return sessionUserId(db, await sessionClaims(headers.get("cookie")));
}

/** The one request context: who is calling, from where, and under which limits. */
export async function createContext(options: {
  db: Db;
  headers: HeaderSource;
  limits: Limits;
  resHeaders?: Headers | null;
}): Promise<Context> {
  const { db, headers, limits } = options;
  return {
    db,
    userId: await userIdFromHeaders(headers, db),
    ip: clientIpFromHeaders((name) => headers.get(name)),
    resHeaders: options.resHeaders ?? null,
    limits,
  };
}
