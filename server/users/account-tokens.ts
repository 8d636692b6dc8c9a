// Single-use links mailed to an account (email verification, password reset). The token in the
// link is "<id>.<secret>": the id finds the row, the secret's SHA-256 is compared with the stored
// one in constant time, and the row is marked used by the same statement that claims it.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";

export type TokenPurpose = "verify_email" | "reset_password";

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
};

const MAX_INT4 = 2_147_483_647;

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

/**
 * A new link token for the account. Earlier unused tokens of the same purpose stop working, so
 * only the latest mail's link does.
 */
export async function issueAccountToken(
  db: Db,
  userId: number,
  purpose: TokenPurpose,
  email: string,
): Promise<string> {
  const secret = randomBytes(32).toString("base64url");
  const lifetimeSeconds = TOKEN_LIFETIME_MS[purpose] / 1000;
  await rows(
    db,
    sql`update account_tokens set used_at = now()
        where user_id = ${userId} and purpose = ${purpose} and used_at is null`,
  );
  const [row] = await rows<{ id: number }>(
    db,
    sql`insert into account_tokens (user_id, purpose, email, secret_hash, expires_at)
        values (${userId}, ${purpose}, ${email}, ${digest(secret).toString("hex")},
                now() + make_interval(secs => ${lifetimeSeconds}))
        returning id`,
  );
  if (!row) throw new Error("insert returned no token");
  return `${row.id}.${secret}`;
}

export type ClaimedToken = { userId: number; email: string };

/** Splits "<id>.<secret>"; null for anything else. */
function parseToken(token: string): { id: number; secret: string } | null {
  const match = /^(\d{1,10})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const id = Number(match?.[1]);
  if (!match?.[2] || !Number.isSafeInteger(id) || id < 1 || id > MAX_INT4) return null;
  return { id, secret: match[2] };
}

/**
 * Claims the token: returns its account and address and marks it used, or null when it is
 * malformed, unknown, of another purpose, expired or already used (all alike to the caller).
 */
export async function claimAccountToken(
  db: Db,
  token: string,
  purpose: TokenPurpose,
): Promise<ClaimedToken | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const [row] = await rows<{ secret_hash: string }>(
    db,
    sql`select secret_hash from account_tokens
        where id = ${parsed.id} and purpose = ${purpose} and used_at is null and expires_at > now()`,
  );
  if (!row) return null;
  const stored = Buffer.from(row.secret_hash, "hex");
  const given = digest(parsed.secret);
  if (stored.length !== given.length || !timingSafeEqual(stored, given)) return null;
  // "used_at is null" again: of two concurrent claims, exactly one gets the row back.
  const [claimed] = await rows<{ user_id: number; email: string }>(
    db,
    sql`update account_tokens set used_at = now()
        where id = ${parsed.id} and used_at is null and expires_at > now()
        returning user_id, email`,
  );
  return claimed ? { userId: claimed.user_id, email: claimed.email } : null;
}
