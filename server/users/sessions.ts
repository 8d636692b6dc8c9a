// Ending sessions. A session is a stateless JWT cookie, so it cannot be deleted. Two records decide
// whether one is still current, both read at most once per cache period per process:
// - every account has a session version (users.session_version) and each JWT carries the version it
//   was issued under: raising the version ends every session of the account at once ("sign out
//   everywhere", a password change or reset, a change of role, deletion);
// - each JWT carries its session's own id (`sid`, fixed at sign-in and kept when next-auth re-issues
//   the cookie), and signing out lists that id in ended_sessions: it ends exactly that session, so a
//   copy of the cookie stops working while the account's other sessions (and a new sign-in) go on.
import { sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { rows, type Db } from "@/db/client";
import { intArrayParam, listParam, preparedQuery, textArrayParam } from "@/db/prepared";
import { sharedStatements } from "@/db/statement-queue";

/** How long a session lives after it was last issued (next-auth re-issues it as it is used). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * How long a process trusts what it read about an account's version or a session id. Within this
 * time a session ended on another server instance may still be accepted here; on the instance that
 * ended it, never.
 */
export const SESSION_CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

// An ended session's id is kept this long past the sign-out: every JWT of that session was issued
// before it, or by another instance within SESSION_CACHE_MS after it, and lives SESSION_MAX_AGE_SECONDS
// at most. The hour covers that window and clock differences between instances.
const ENDED_KEPT_MS = SESSION_MAX_AGE_SECONDS * 1000 + 60 * 60 * 1000;

type Cached<T> = { value: T; until: number };
type Caches = { versions: Map<number, Cached<number | null>>; ended: Map<string, Cached<boolean>> };

// Per database, so two databases in one process (tests, scripts) never share what they read. Held on
// globalThis because one process runs two bundles of this module: the app router's (sign-out, in the
// auth route) and the pages router's (/api/trpc). A module-scoped map would let the tRPC route keep
// accepting, for a cache period, a session the auth route of the same instance had just ended.
const globalForSessions = globalThis as unknown as { steadystarSessionCaches?: WeakMap<Db, Caches> };
const caches = (globalForSessions.steadystarSessionCaches ??= new WeakMap<Db, Caches>());

function cachesFor(db: Db): Caches {
  let found = caches.get(db);
  if (!found) {
    found = { versions: new Map(), ended: new Map() };
    caches.set(db, found);
  }
  return found;
}

function remember<K, T>(cache: Map<K, Cached<T>>, key: K, value: T, now: number) {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, { value, until: now + SESSION_CACHE_MS });
}

function fresh<K, T>(cache: Map<K, Cached<T>>, key: K, now: number): Cached<T> | undefined {
  const cached = cache.get(key);
  return cached && cached.until > now ? cached : undefined;
}

/** A new session's id, carried in its JWT as `sid`. */
export function newSessionId(): string {
  return randomUUID();
}

/** The claims of a decoded session JWT that decide whether it is still current. */
export type SessionClaims = { sub?: string | null; sv?: unknown; sid?: unknown };

type Parsed = { userId: number; version: number; sessionId: string | null };

// A JWT from before session versions existed counts as version 0, and one from before session ids
// existed has none: it can only be ended with every other session of its account.
function parseClaims(claims: SessionClaims | null): Parsed | null {
  const userId = Number(claims?.sub);
  if (!Number.isSafeInteger(userId) || userId <= 0) return null;
  const version = claims?.sv ?? 0;
  if (typeof version !== "number") return null;
  const sessionId = claims?.sid ?? null;
  if (sessionId !== null && (typeof sessionId !== "string" || !/^[\w-]{8,64}$/.test(sessionId))) return null;
  return { userId, version, sessionId };
}

/**
 * Accounts' session versions and whether sessions were ended, in one prepared statement: signed-in
 * requests read them, so concurrent ones share the statement (SESSION_LOOKUPS). A missing account
 * comes back with a null version.
 */
const SESSION_STATES = preparedQuery<{ userIds: string; sessionIds: string }>(
  ["userIds", "sessionIds"],
  (p) => sql`select i.n::int as n, u.session_version,
          exists (select 1 from ended_sessions e where e.session_id = i.session_id) as ended
        from unnest(${listParam(p.userIds, "int")}, ${listParam(p.sessionIds, "text")}) with ordinality as i(user_id, session_id, n)
        left join users u on u.id = i.user_id
        order by i.n`,
);

type SessionKey = { userId: number; sessionId: string | null };
type SessionState = { version: number | null; ended: boolean };

async function readSessionStates(db: Db, keys: SessionKey[]): Promise<SessionState[]> {
  const found = await SESSION_STATES.rows<{ n: number; session_version: number | null; ended: boolean }>(db, {
    userIds: intArrayParam(keys.map((key) => key.userId)),
    // "" stands for none: no ended session has that id.
    sessionIds: textArrayParam(keys.map((key) => key.sessionId ?? "")),
  });
  return keys.map((_, index) => {
    const row = found[index];
    if (row?.n !== index + 1) throw new Error("the session statement answered out of order");
    return {
      version: row.session_version === null ? null : Number(row.session_version),
      ended: row.ended === true,
    };
  });
}

/** Lookups in flight per database: a signed-in request waits on them only under load. */
export const SESSION_LOOKUPS = { inFlight: 2, maxBatch: 100 } as const;
const readSessionState = sharedStatements(readSessionStates, {
  ...SESSION_LOOKUPS,
  key: (k: SessionKey) => `${k.userId}:${k.sessionId ?? ""}`,
});

/**
 * The account's session version (null: no such account) and whether the session id was signed out,
 * from the cache or else from the database, which then refreshes both.
 */
async function sessionState(
  db: Db,
  userId: number,
  sessionId: string | null,
  now: number,
): Promise<SessionState> {
  const { versions, ended } = cachesFor(db);
  const version = fresh(versions, userId, now);
  const wasEnded = sessionId === null ? { value: false } : fresh(ended, sessionId, now);
  if (version && wasEnded) return { version: version.value, ended: wasEnded.value };
  const state = await readSessionState(db, { userId, sessionId });
  remember(versions, userId, state.version, now);
  if (sessionId !== null) remember(ended, sessionId, state.ended, now);
  return state;
}

/** The account's session version now (null: no such account), read at most once per user per cache period. */
export async function currentSessionVersion(
  db: Db,
  userId: number,
  now = Date.now(),
): Promise<number | null> {
  return (await sessionState(db, userId, null, now)).version;
}

/** Who a decoded session JWT signs in; `accountGone` when it names an account that no longer exists. */
export type SessionIdentity = { userId: number | null; accountGone: boolean };

/**
 * The signed-in user of a decoded session JWT, or null when the JWT names no account, was issued
 * before the account's sessions were last ended, or belongs to a session that was signed out.
 */
export async function sessionIdentity(
  db: Db,
  claims: SessionClaims | null,
  now = Date.now(),
): Promise<SessionIdentity> {
  const parsed = parseClaims(claims);
  if (!parsed) return { userId: null, accountGone: false };
  const state = await sessionState(db, parsed.userId, parsed.sessionId, now);
  if (state.version === null) return { userId: null, accountGone: true };
  const current = state.version === parsed.version && !state.ended;
  return { userId: current ? parsed.userId : null, accountGone: false };
}

/** The signed-in user of a decoded session JWT (see sessionIdentity), or null. */
export async function sessionUserId(
  db: Db,
  claims: SessionClaims | null,
  now = Date.now(),
): Promise<number | null> {
  return (await sessionIdentity(db, claims, now)).userId;
}

/**
 * Ends every session of the account (sign out everywhere, password change or reset, loss of a role):
 * each JWT issued so far stops working at once in this process and within SESSION_CACHE_MS in any
 * other. Returns the new version, for a session issued right after (null: no such account).
 */
export async function endSessions(db: Db, userId: number): Promise<number | null> {
  const [updated] = await rows<{ session_version: number }>(
    db,
    sql`update users set session_version = session_version + 1 where id = ${userId} returning session_version`,
  );
  const version = updated ? Number(updated.session_version) : null;
  remember(cachesFor(db).versions, userId, version, Date.now());
  return version;
}

/**
 * Ends the one session a decoded JWT belongs to (sign-out): every copy of its cookie stops working,
 * at once in this process and within SESSION_CACHE_MS in any other, while the account's other
 * sessions go on. A JWT from before session ids existed can only be ended with all of them.
 */
export async function endSession(db: Db, claims: SessionClaims | null, now = Date.now()): Promise<void> {
  const parsed = parseClaims(claims);
  if (!parsed) return;
  if (parsed.sessionId === null) {
    await endSessions(db, parsed.userId);
    return;
  }
  const expires = new Date(now + ENDED_KEPT_MS).toISOString();
  await db.execute(
    sql`insert into ended_sessions (session_id, user_id, expires_at)
        select ${parsed.sessionId}, id, ${expires} from users where id = ${parsed.userId}
        on conflict (session_id) do nothing`,
  );
  // The account's ids that can no longer match any live JWT are dropped as it signs out again.
  await db.execute(
    sql`delete from ended_sessions where user_id = ${parsed.userId} and expires_at < ${new Date(now).toISOString()}`,
  );
  remember(cachesFor(db).ended, parsed.sessionId, true, now);
}
