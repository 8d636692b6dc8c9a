import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { DomainError } from "@/server/errors";
import { isoTimestamp, rows, type Db } from "@/db/client";
import { sharedStatements } from "@/db/statement-queue";
import { intArrayParam, listParam, preparedQuery, textArrayParam } from "@/db/prepared";
import { logger } from "@/server/telemetry/log";
import { apiTokens } from "@/db/schema";

export const TOKEN_PREFIX = "ss_";
export const MAX_TOKENS_PER_USER = 20;

export type ApiTokenInfo = {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
};

export type TokenIdentity = { userId: number };

export class TooManyTokensError extends DomainError {
  constructor() {
    super("INVALID", `you already have ${MAX_TOKENS_PER_USER} active tokens; revoke one first`, {
      field: "name",
    });
  }
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const iso = (column: string) => isoTimestamp(sql.raw(column), "s");

export class DuplicateTokenNameError extends DomainError {
  constructor(name: string) {
    super("CONFLICT", `you already have an active token named “${name}”; choose another name`, {
      field: "name",
    });
  }
}

/**
 * Creates a token and returns it in full: the only time it is ever shown. Names are unique among
 * the user's active tokens (ignoring case), so the list and "Revoke …" always tell them apart.
 */
export async function createToken(
  db: Db,
  userId: number,
  name: string,
): Promise<ApiTokenInfo & { token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return db.transaction(async (tx) => {
    // Concurrent creations for one user queue on the user's row, so each sees the tokens the
    // previous one committed: the cap and the unique name hold. (The checks must be statements
    // after the lock: a statement's snapshot is taken when it starts.)
    await rows(tx, sql`select id from users where id = ${userId} for update`);
    const [active] = await rows<{ count: number; taken: boolean }>(
      tx,
      sql`select count(*)::int as count, coalesce(bool_or(lower(name) = lower(${name})), false) as taken
          from api_tokens where user_id = ${userId} and revoked_at is null`,
    );
    if (active?.taken) throw new DuplicateTokenNameError(name);
    if ((active?.count ?? 0) >= MAX_TOKENS_PER_USER) throw new TooManyTokensError();
    const [inserted] = await rows<ApiTokenInfo>(
      tx,
      sql`insert into api_tokens (user_id, name, token_hash, prefix)
          values (${userId}, ${name}, ${hashToken(token)}, ${token.slice(0, 10)})
          returning id, name, prefix, ${iso("created_at")} as "createdAt", null as "lastUsedAt"`,
    );
    if (!inserted) throw new Error("api_tokens insert returned no row");
    return { ...inserted, token };
  });
}

export async function listTokens(db: Db, userId: number): Promise<ApiTokenInfo[]> {
  // The owner sees every use this process has seen, written or not yet.
  await flushTokenUses(db);
  return rows<ApiTokenInfo>(
    db,
    sql`select id, name, prefix, ${iso("created_at")} as "createdAt", ${iso("last_used_at")} as "lastUsedAt"
        from api_tokens where user_id = ${userId} and revoked_at is null order by id desc`,
  );
}

// Verified tokens, by hash, for a short while: a Bearer request then costs a map lookup, less than
// decrypting a session cookie. Revocation clears this process's entry at once; other server
// instances stop accepting the token within CACHE_MS.
const CACHE_MS = 30_000;
const CACHE_MAX = 10_000;
const verified = new Map<string, { identity: TokenIdentity | null; until: number }>();

/** Revokes one of the user's own tokens; false when no such active token is theirs. */
export async function revokeToken(db: Db, userId: number, tokenId: number): Promise<boolean> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ tokenHash: apiTokens.tokenHash });
  for (const row of revoked) verified.delete(row.tokenHash);
  return revoked.length > 0;
}

/** Revokes every token of the account (account deletion). Returns how many were active. */
export async function revokeAllTokens(db: Db, userId: number): Promise<number> {
  const revoked = await rows<{ token_hash: string }>(
    db,
    sql`update api_tokens set revoked_at = now()
        where user_id = ${userId} and revoked_at is null
        returning token_hash`,
  );
  for (const row of revoked) verified.delete(row.token_hash);
  return revoked.length;
}

/**
 * Tokens' accounts by hash, in one prepared statement, with whether each "last used" time is due.
 * "Last used" is shown to the owner to the nearest few minutes; writing it on the request would put
 * a write and a commit on the path of every first call with a token, so it is written afterwards,
 * for all tokens used meanwhile at once (flushTokenUses). The join refuses a token whose account is
 * gone. It takes a list: concurrent first calls of different tokens share one lookup (TOKEN_LOOKUPS).
 */
const VERIFY_TOKENS = preparedQuery<{ hashes: string }>(
  ["hashes"],
  (p) => sql`select t.token_hash, t.id, t.user_id,
      (t.last_used_at is null or t.last_used_at < now() - interval '5 minutes') as due
    from api_tokens t join users u on u.id = t.user_id
    where t.token_hash = any(${listParam(p.hashes, "text")}) and t.revoked_at is null`,
);

type TokenRow = { token_hash: string; id: number; user_id: number; due: boolean };

/** Each hash's active token, or null. */
async function lookUpTokens(db: Db, hashes: string[]): Promise<(TokenRow | null)[]> {
  const found = await VERIFY_TOKENS.rows<TokenRow>(db, { hashes: textArrayParam(hashes) });
  const byHash = new Map(found.map((row) => [row.token_hash, row]));
  return hashes.map((hash) => byHash.get(hash) ?? null);
}

/** Lookups in flight per database: a first call of a token waits on them only under load. */
export const TOKEN_LOOKUPS = { inFlight: 2, maxBatch: 100 } as const;
const lookUpToken = sharedStatements(lookUpTokens, { ...TOKEN_LOOKUPS, key: (hash: string) => hash });

const TOUCH_TOKENS = preparedQuery<{ ids: string }>(
  ["ids"],
  (p) => sql`update api_tokens set last_used_at = now()
    where id = any(${listParam(p.ids, "int")}) and (last_used_at is null or last_used_at < now() - interval '5 minutes')`,
);

/** How long a token's use waits to be written; a crash loses at most this much of "last used". */
export const TOKEN_USE_DELAY_MS = 1_000;
const pendingUses = new WeakMap<Db, { ids: Set<number>; timer: ReturnType<typeof setTimeout> | null }>();

function noteUse(db: Db, tokenId: number): void {
  let pending = pendingUses.get(db);
  if (!pending) {
    pending = { ids: new Set(), timer: null };
    pendingUses.set(db, pending);
  }
  pending.ids.add(tokenId);
  pending.timer ??= setTimeout(() => {
    flushTokenUses(db).catch((error: unknown) =>
      logger().warn({ err: error }, "could not record API token use"),
    );
  }, TOKEN_USE_DELAY_MS).unref();
}

/** Writes the "last used" time of every token used since the last write, in one statement. */
export async function flushTokenUses(db: Db): Promise<void> {
  const pending = pendingUses.get(db);
  if (!pending) return;
  if (pending.timer) clearTimeout(pending.timer);
  pending.timer = null;
  if (pending.ids.size === 0) return;
  const ids = [...pending.ids];
  pending.ids.clear();
  await TOUCH_TOKENS.rows(db, { ids: intArrayParam(ids) });
}

export async function verifyToken(db: Db, token: string, now = Date.now()): Promise<TokenIdentity | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const hash = hashToken(token);
  const cached = verified.get(hash);
  if (cached && cached.until > now) return cached.identity;
  const found = await lookUpToken(db, hash);
  if (found?.due) noteUse(db, found.id);
  const identity = found ? { userId: found.user_id } : null;
  if (verified.size >= CACHE_MAX) verified.clear();
  verified.set(hash, { identity, until: now + CACHE_MS });
  return identity;
}
