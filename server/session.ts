import { decode } from "next-auth/jwt";
import { authSecret, serverConfig } from "@/server/env";
import type { Db } from "@/db/client";
import { sessionIdentity, type SessionClaims } from "@/server/users/sessions";

// The signed-in user of a session cookie. next-auth's getToken derives its key and decrypts the
// JWE on every call (~250 µs of CPU on Node 20); a cookie is sent unchanged on every request of a
// session, so its outcome is kept for a minute, keyed by the exact cookie value. Decoding one value
// always gives the same claims (the secret is fixed for the process's life), so the cache changes
// nothing a client can observe: a token is never trusted past its own expiry, and whether its
// session is still current is checked on every request (server/users/sessions.ts, with a cache
// of its own of a few seconds).
const DECODED_TTL_MS = 60_000;
const DECODED_MAX = 10_000;
const decoded = new Map<string, { claims: SessionClaims | null; until: number }>();

/** next-auth's session cookie name: `__Secure-` once the site is served over https. */
function sessionCookieName(): string {
  const { nextAuthUrl, database } = serverConfig();
  const secure = nextAuthUrl ? nextAuthUrl.startsWith("https://") : database.serverless;
  return secure ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/**
 * The session token in a Cookie header, joined from its chunks (next-auth splits a token over
 * `name.0`, `name.1`, … when it outgrows one cookie).
 */
export function sessionTokenFromCookies(
  cookieHeader: string | null,
  name = sessionCookieName(),
): string | null {
  if (!cookieHeader) return null;
  let whole: string | null = null;
  const chunks: [number, string][] = [];
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    if (!key.startsWith(name)) continue;
    const value = part.slice(eq + 1).trim();
    if (key === name) whole = value;
    else if (/^\.\d+$/.test(key.slice(name.length))) chunks.push([Number(key.slice(name.length + 1)), value]);
  }
  if (chunks.length > 0)
    return chunks
      .sort((a, b) => a[0] - b[0])
      .map(([, value]) => value)
      .join("");
  return whole;
}

/**
 * The claims of a session cookie header that say who it is, which session it belongs to and which
 * session version it was issued under (server/users/sessions.ts decides whether that session is still current), or null for no
 * cookie, a bad one or an expired one.
 */
export async function sessionClaims(
  cookieHeader: string | null,
  now = Date.now(),
): Promise<SessionClaims | null> {
  const token = sessionTokenFromCookies(cookieHeader);
  if (!token) return null;
  const cached = decoded.get(token);
  if (cached && cached.until > now) return cached.claims;
  const jwt = await decode({ token, secret: authSecret() }).catch(() => null);
  const claims = jwt ? { sub: jwt.sub ?? null, sv: jwt.sv, sid: jwt.sid } : null;
  const expires = typeof jwt?.exp === "number" ? jwt.exp * 1000 : Number.POSITIVE_INFINITY;
  if (decoded.size >= DECODED_MAX) decoded.clear();
  decoded.set(token, { claims, until: Math.min(now + DECODED_TTL_MS, expires) });
  return claims;
}

/**
 * True when the Cookie header carries a session cookie that is authentic but no longer current
 * (signed out, ended with every session of its account, or of a deleted account). next-auth would
 * answer such a request with a cookie that clears the session; a late request of a signed-out tab
 * would then wipe the cookie of a sign-in made meanwhile, so the auth route answers it itself.
 */
export async function carriesEndedSession(cookieHeader: string | null, db: Db): Promise<boolean> {
  const claims = await sessionClaims(cookieHeader);
  if (!claims) return false;
  return (await sessionIdentity(db, claims)).userId === null;
}
