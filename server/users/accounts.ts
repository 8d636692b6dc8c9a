import { hash, verify, argon2id } from "argon2";
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { UNIQUE_VIOLATION, pgErrorCode } from "@/db/errors";
import { users } from "@/db/schema";
import { parseServerConfig, serverConfig } from "@/server/env";
import { DomainError } from "@/server/errors";
import { normalizeEmail } from "./email";
import type { Role } from "./roles";

export type PublicUser = { id: number; email: string; name: string; role: Role };

const publicColumns = { id: users.id, email: users.email, name: users.name, role: users.role };

export class EmailTakenError extends DomainError {
  constructor() {
    super("CONFLICT", "an account with this email already exists", { field: "email" });
  }
}

/**
 * ADMIN_EMAILS: whose accounts become admins once the address is verified (by link, reset or provider). Tests pass an
 * environment of their own; the server uses its configuration.
 */
export function isConfiguredAdmin(email: string, env?: Record<string, string | undefined>): boolean {
  const admins = env ? parseServerConfig(env).adminEmails : serverConfig().adminEmails;
  return admins.includes(normalizeEmail(email));
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
    const [user] = await db
      .insert(users)
      .values({
        email: normalizeEmail(input.email),
        name: input.name.trim(),
        // Always "user": ADMIN_EMAILS takes effect when the address is verified (./verification.ts).
        passwordHash,
      })
      .returning(publicColumns);
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
  const [user] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.deletedAt)));
  return passwordHashMatches(user?.passwordHash ?? null, password);
}

/** A signed-in account: its public fields and the session version its new session is issued under. */
export type SignedInUser = PublicUser & { sessionVersion: number };

export async function verifyCredentials(
  db: Db,
  email: string,
  password: string,
): Promise<SignedInUser | null> {
  const [user] = await db
    .select({
      ...publicColumns,
      passwordHash: users.passwordHash,
      sessionVersion: users.sessionVersion,
      emailVerifiedAt: users.emailVerifiedAt,
    })
    .from(users)
    .where(and(eq(users.email, normalizeEmail(email)), isNull(users.deletedAt)));
  if (!(await passwordHashMatches(user?.passwordHash ?? null, password)) || !user) return null;
  let role = user.role;
  // ADMIN_EMAILS applies to a verified address only: anyone can register any address.
  if (role !== "admin" && user.emailVerifiedAt !== null && isConfiguredAdmin(user.email)) {
    await db.update(users).set({ role: "admin" }).where(eq(users.id, user.id));
    role = "admin";
  }
  return { id: user.id, email: user.email, name: user.name, role, sessionVersion: user.sessionVersion };
}
