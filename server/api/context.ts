import type { Db } from "@/db/client";
import { clientAddress } from "@/server/client-address";
import { serverConfig } from "@/server/env";
import { type Limits } from "@/server/limits";
import type { Mailer } from "@/server/mail/mailer";
import { sessionClaims } from "@/server/session";
import { sessionIdentity, type SessionIdentity } from "@/server/users/sessions";
import { verifyToken } from "@/server/users/tokens";

/** What every procedure sees. Built by createContext for HTTP requests and server components alike. */
export type Context = {
  db: Db;
  /** The signed-in user (session cookie or API token), or null for an anonymous request. */
  userId: number | null;
  /** The request carried a valid session of an account that no longer exists (a reset or restored database). */
  accountGone: boolean;
  /** How the caller signed this request (null: anonymous or in-process); API tokens may not create tokens. */
  credential?: "session" | "token" | null;
  /** The client's address, for per-IP limits ("unknown" when the platform does not say). */
  ip: string;
  /** Response headers of the HTTP request (Retry-After and the like); null where there is no response. */
  resHeaders: Headers | null;
  /** Rate limits: the process's own for requests, UNLIMITED for scripts and tests that say so. */
  limits: Limits;
  /** Names an HTTP request in logs, traces and error responses; absent for server components and scripts. */
  requestId?: string;
  /** Where account mail goes; the process's mailer (SMTP_URL or the dev outbox) when left out. */
  mailer?: Mailer;
};

type HeaderSource = { get(name: string): string | null };

/**
 * The user of a request: an `Authorization: Bearer ss_…` API token when an Authorization header is
 * sent (a bad one means anonymous, never a fallback to the cookie), otherwise the session cookie,
 * unless that session was ended (sign-out, password change, role change).
 */
export async function identityFromHeaders(headers: HeaderSource, db: Db): Promise<SessionIdentity> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const bearer = /^bearer\s+(\S+)$/i.exec(authorization.trim());
    const userId = bearer?.[1] ? ((await verifyToken(db, bearer[1]))?.userId ?? null) : null;
    return { userId, accountGone: false };
  }
  return sessionIdentity(db, await sessionClaims(headers.get("cookie")));
}

/** The one request context: who is calling, from where, and under which limits. */
export async function createContext(options: {
  db: Db;
  headers: HeaderSource;
  limits: Limits;
  resHeaders?: Headers | null;
  requestId?: string;
}): Promise<Context> {
  const { db, headers, limits } = options;
  return {
    db,
    ...(await identityFromHeaders(headers, db)),
    credential: headers.get("authorization") !== null ? "token" : headers.get("cookie") ? "session" : null,
    ip: clientAddress((name) => headers.get(name), serverConfig().proxyTrust),
    resHeaders: options.resHeaders ?? null,
    limits,
    ...(options.requestId ? { requestId: options.requestId } : {}),
  };
}
