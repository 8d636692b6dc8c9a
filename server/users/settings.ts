// What an account can change about itself from /settings.
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { DomainError } from "@/server/errors";
import { accountGone } from "./account-error";
import { hashPassword, passwordMatches } from "./accounts";

export type AccountOverview = {
  id: number;
  name: string;
  email: string;
  emailVerified: boolean;
  hasPassword: boolean;
  /** The address a change of email waits to confirm (the latest unused link's), if any. */
  pendingEmail: string | null;
  /** OAuth providers linked to the account ("github", "google", …). */
  providers: string[];
};

export async function accountOverview(db: Db, userId: number): Promise<AccountOverview | null> {
  const [row] = await rows<{
    id: number;
    name: string;
    email: string;
    verified: boolean;
    has_password: boolean;
    pending_email: string | null;
    providers: string | null;
  }>(
    db,
    sql`select u.id, u.name, u.email, u.email_verified_at is not null as verified,
               u.password_hash is not null as has_password,
               (select t.email from account_tokens t
                 where t.user_id = u.id and t.purpose = 'verify_email' and t.used_at is null
                   and t.expires_at > now() and t.email <> u.email
                 order by t.id desc limit 1) as pending_email,
               (select string_agg(o.provider, ',' order by o.provider) from oauth_accounts o
                 where o.user_id = u.id) as providers
        from users u where u.id = ${userId} and u.deleted_at is null`,
  );
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    emailVerified: row.verified,
    hasPassword: row.has_password,
    pendingEmail: row.pending_email,
    providers: row.providers ? row.providers.split(",") : [],
  };
}

export async function changeName(db: Db, userId: number, name: string): Promise<{ name: string }> {
  const [row] = await rows<{ name: string }>(
    db,
    sql`update users set name = ${name} where id = ${userId} and deleted_at is null returning name`,
  );
  if (!row) throw accountGone();
  return row;
}

export const WRONG_PASSWORD = "this is not your current password";

export async function assertCurrentPassword(db: Db, userId: number, password: string): Promise<void> {
  if (!(await passwordMatches(db, userId, password)))
    throw new DomainError("INVALID", WRONG_PASSWORD, { field: "currentPassword" });
}

/** Replaces the password after checking the current one; the caller ends the other sessions. */
export async function changePassword(db: Db, userId: number, current: string, next: string): Promise<void> {
  await assertCurrentPassword(db, userId, current);
  await rows(db, sql`update users set password_hash = ${await hashPassword(next)} where id = ${userId}`);
}
