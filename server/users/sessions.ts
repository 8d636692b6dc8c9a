// Ending sessions. A session is a stateless JWT cookie, so it cannot be deleted: instead every
// account has a session version (users.session_version), each JWT carries the version it was issued
// under, and a JWT whose version is no longer the account's is refused. Raising the version ends
// every session of the account at once.
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";

/**
 * How long a process trusts a version it read. Within this time a session ended on another
 * server instance may still be accepted here; on the instance that ended it, never.
 */
export const SESSION_VERSION_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

type Cached = { version: number | null; until: number };

// Per database, so two databases in one process (tests, scripts) never share versions.
const caches = new WeakMap<Db, Map<number, Cached>>();

function cacheFor(db: Db): Map<number, Cached> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  return cache;
}

/** The claims of a decoded session JWT that decide whether it is still current. */
export type SessionClaims = { sub?: string | null; sv?: unknown };

/** The account's session version now (null: no such account), read at most once per user per cache period. */
export async function currentSessionVersion(
  db: Db,
  userId: number,
  now = Date.now(),
): Promise<number | null> {
  const cache = cacheFor(db);
  const cached = cache.get(userId);
  if (cached && cached.until > now) return cached.version;
  const [found] = await rows<{ session_version: number }>(
    db,
    sql`select session_version from users where id = ${userId}`,
  );
  const version = found ? Number(found.session_version) : null;
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(userId, { version, until: now + SESSION_VERSION_CACHE_MS });
  return version;
}

/**
 * The signed-in user of a decoded session JWT, or null when the JWT names no account or was issued
 * before the account's sessions were last ended. A JWT from before session versions existed counts
 * as version 0, so it lives until the account's first sign-out.
 */
export async function sessionUserId(
  db: Db,
  claims: SessionClaims | null,
  now = Date.now(),
): Promise<number | null> {
  const userId = Number(claims?.sub);
  if (!Number.isSafeInteger(userId) || userId <= 0) return null;
  const issued = claims?.sv ?? 0;
  if (typeof issued !== "number") return null;
  return (await currentSessionVersion(db, userId, now)) === issued ? userId : null;
}

/**
 * Ends every session of the account (sign-out, password change or reset, loss of a role): each JWT
 * issued so far stops working at once in this process and within SESSION_VERSION_CACHE_MS in any
 * other. Returns the new version, for a session issued right after (null: no such account).
 */
export async function endSessions(db: Db, userId: number): Promise<number | null> {
  const [updated] = await rows<{ session_version: number }>(
    db,
    sql`update users set session_version = session_version + 1 where id = ${userId} returning session_version`,
  );
  const version = updated ? Number(updated.session_version) : null;
  cacheFor(db).set(userId, { version, until: Date.now() + SESSION_VERSION_CACHE_MS });
  return version;
}
