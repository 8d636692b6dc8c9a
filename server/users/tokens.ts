import { createHash, randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { isoTimestamp, rows, type Db } from "@/db/client";

export const TOKEN_PREFIX = "ss_";
export const MAX_TOKENS_PER_USER = 20;

export type ApiTokenInfo = {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
};

export type TokenIdentity = { userId: number; role: "user" | "admin" };

export class TooManyTokensError extends Error {
  constructor() {
    super(`name: you already have ${MAX_TOKENS_PER_USER} active tokens; revoke one first`);
  }
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const iso = (column: string) => isoTimestamp(sql.raw(column), "s");

/** Creates a token and returns it in full: the only time it is ever shown. */
export async function createToken(
  db: Db,
  userId: number,
  name: string,
): Promise<ApiTokenInfo & { token: string }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const [created] = await rows<ApiTokenInfo>(
    db,
    sql`insert into api_tokens (user_id, name, token_hash, prefix)
        select ${userId}, ${name}, ${hashToken(token)}, ${token.slice(0, 10)}
        where (select count(*) from api_tokens where user_id = ${userId} and revoked_at is null) < ${MAX_TOKENS_PER_USER}
        returning id, name, prefix, ${iso("created_at")} as "createdAt", null as "lastUsedAt"`,
  );
  if (!created) throw new TooManyTokensError();
  return { ...created, token };
}

export async function listTokens(db: Db, userId: number): Promise<ApiTokenInfo[]> {
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
  const revoked = await rows<{ token_hash: string }>(
    db,
    sql`update api_tokens set revoked_at = now()
        where id = ${tokenId} and user_id = ${userId} and revoked_at is null
        returning token_hash`,
  );
  for (const row of revoked) verified.delete(row.token_hash);
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

export async function verifyToken(db: Db, token: string, now = Date.now()): Promise<TokenIdentity | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const hash = hashToken(token);
  const cached = verified.get(hash);
  if (cached && cached.until > now) return cached.identity;
  const [found] = await rows<{ id: number; user_id: number; role: "user" | "admin"; stale: boolean }>(
    db,
    sql`select t.id, t.user_id, u.role,
               coalesce(t.last_used_at < now() - interval '5 minutes', true) as stale
        from api_tokens t join users u on u.id = t.user_id
        where t.token_hash = ${hash} and t.revoked_at is null`,
  );
  // "Last used" is shown to the owner to the nearest few minutes; writing it on every call would
  // put a write on the read path of every token-authenticated request.
  if (found?.stale) await rows(db, sql`update api_tokens set last_used_at = now() where id = ${found.id}`);
  const identity = found ? { userId: found.user_id, role: found.role } : null;
  if (verified.size >= CACHE_MAX) verified.clear();
  verified.set(hash, { identity, until: now + CACHE_MS });
  return identity;
}
