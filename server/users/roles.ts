import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { normalizeEmail } from "./email";

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

/** Makes an existing account an admin (or a user again); false when no account has that email. */
export async function setRole(db: Db, email: string, role: Role): Promise<boolean> {
  const changed = await db
    .update(users)
    .set({ role })
    .where(eq(users.email, normalizeEmail(email)))
    .returning({ id: users.id });
  return changed.length > 0;
}
