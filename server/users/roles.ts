import { eq, sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { users } from "@/db/schema";
import { normalizeEmail } from "./email";
import { endSessions } from "./sessions";

/** "user" | "admin", as the schema declares the column. */
export type Role = (typeof users.$inferSelect)["role"];

/**
 * The account's role as stored now (null: no such account). Every admin check reads it here
 * rather than from the session, so a revoked admin loses access at once.
 */
export async function getRole(db: Db, userId: number): Promise<Role | null> {
  const [user] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  return user?.role ?? null;
}

/** The admin check of the admin procedures and the moderation page. */
export async function isAdmin(db: Db, userId: number): Promise<boolean> {
  return (await getRole(db, userId)) === "admin";
}

/**
 * Makes an existing account an admin (or a user again); false when no account has that email.
 * Sessions read the role per request (server/auth.ts), so a new admin's open session gains its
 * admin pages at once. Taking the role away also ends the account's sessions: a demoted admin's
 * open pages do not keep an admin session, whatever a page has cached.
 */
export async function setRole(db: Db, email: string, role: Role): Promise<boolean> {
  const [found] = await rows<{ id: number; changed: boolean }>(
    db,
    sql`update users u set role = ${role} from users old
        where u.id = old.id and u.email = ${normalizeEmail(email)}
        returning u.id, old.role <> ${role} as changed`,
  );
  if (!found) return false;
  if (found.changed && role !== "admin") await endSessions(db, found.id);
  return true;
}
