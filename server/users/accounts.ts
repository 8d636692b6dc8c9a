import "server-only";
import { hash, verify, argon2id } from "argon2";
import { eq } from "drizzle-orm";
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
 * ADMIN_EMAILS: emails that may be made admins once their owner has proven the address (email
 * verification). Registering or signing in with one grants nothing by itself. Tests pass an
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
      .values({ email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: "user" })
      .returning(publicColumns);
    if (!user) throw new Error("insert returned no user");
    return user;
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION) throw new EmailTakenError();
    throw error;
  }
}

// Verifying against a real hash when the email is unknown keeps the response time from
// telling an attacker which emails have accounts.
let dummyHash: Promise<string> | undefined;

/** A signed-in account: its public fields and the session version its new session is issued under. */
export type SignedInUser = PublicUser & { sessionVersion: number };

export async function verifyCredentials(
  db: Db,
  email: string,
  password: string,
): Promise<SignedInUser | null> {
  const [user] = await db
    .select({ ...publicColumns, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  if (!user) {
    dummyHash ??= hashPassword("not a real password");
    await verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(user.passwordHash, password).catch(() => false);
  if (!ok) return null;
  const { id, name, role, sessionVersion } = user;
  return { id, email: user.email, name, role, sessionVersion };
}
