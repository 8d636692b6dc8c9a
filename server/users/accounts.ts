import { hash, verify, argon2id } from "argon2";
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { UNIQUE_VIOLATION, pgErrorCode } from "@/db/errors";

export type PublicUser = { id: number; email: string; name: string; role: "user" | "admin" };

export class EmailTakenError extends Error {
  constructor() {
    super("email: an account with this email already exists");
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** ADMIN_EMAILS: comma-separated emails whose accounts become admins once the address is verified. */
export function isConfiguredAdmin(
  email: string,
  env: Record<string, string | undefined> = process.env,
): boolean {
  const list = (env.ADMIN_EMAILS ?? "")
    .split(",")
    .map((e) => normalizeEmail(e))
    .filter(Boolean);
  return list.includes(normalizeEmail(email));
}

// OWASP's argon2id baseline (19 MiB, 2 passes): strong, and about 25 ms per hash on this kind of machine.
const HASH_OPTIONS = { type: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export async function registerUser(
  db: Db,
  input: { email: string; name: string; password: string },
): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  try {
    const [user] = await rows<PublicUser>(
      db,
      // Always "user": ADMIN_EMAILS takes effect when the address is verified (server/users/verification.ts).
      sql`insert into users (email, name, password_hash)
          values (${normalizeEmail(input.email)}, ${input.name.trim()}, ${passwordHash})
          returning id, email, name, role`,
    );
    if (!user) throw new Error("insert returned no user");
    return user;
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION) throw new EmailTakenError();
    throw error;
  }
}

// Verifying against a real hash when the email is unknown (or the account has no password) keeps
// the response time from telling an attacker which emails have accounts.
let dummyHash: Promise<string> | undefined;

/** Whether the password matches the stored hash; with no hash, false after the same work. */
export async function passwordHashMatches(stored: string | null, password: string): Promise<boolean> {
  if (stored === null) {
    dummyHash ??= hashPassword("not a real password");
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(stored, password).catch(() => false);
}

/** Whether the password is the account's current one (false for an account without a password). */
export async function passwordMatches(db: Db, userId: number, password: string): Promise<boolean> {
  const [user] = await rows<{ password_hash: string | null }>(
    db,
    sql`select password_hash from users where id = ${userId} and deleted_at is null`,
  );
  return passwordHashMatches(user?.password_hash ?? null, password);
}

/** A signed-in account: its public fields and the session version its new session is issued under. */
export type SignedInUser = PublicUser & { sessionVersion: number };

export async function verifyCredentials(
  db: Db,
  email: string,
  password: string,
): Promise<SignedInUser | null> {
  const [user] = await rows<
    PublicUser & { password_hash: string | null; verified: boolean; session_version: number }
  >(
    db,
    sql`select id, email, name, role, password_hash, email_verified_at is not null as verified,
               session_version
        from users where email = ${normalizeEmail(email)} and deleted_at is null`,
  );
  if (!(await passwordHashMatches(user?.password_hash ?? null, password)) || !user) return null;
  if (user.role !== "admin" && user.verified && isConfiguredAdmin(user.email)) {
    await rows(db, sql`update users set role = 'admin' where id = ${user.id}`);
    user.role = "admin";
  }
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    sessionVersion: Number(user.session_version),
  };
}

/**
 * The account's role as stored now (null: no such account). Admin checks read it here rather than
 * from the session, so a revoked admin loses access at once.
 */
export async function getRole(db: Db, userId: number): Promise<PublicUser["role"] | null> {
  const [user] = await rows<{ role: PublicUser["role"] }>(
    db,
    sql`select role from users where id = ${userId}`,
  );
  return user?.role ?? null;
}
