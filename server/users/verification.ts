// Proving an email address: a link mailed to it, and what following the link changes.
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { UNIQUE_VIOLATION, pgErrorCode } from "@/db/errors";
import { inBackground } from "@/server/background";
import type { Mailer } from "@/server/mail/mailer";
import { addressInUseMail, verificationMail } from "@/server/mail/messages";
import { DomainError } from "@/server/errors";
import { invalidLink } from "./account-error";
import { claimAccountToken, issueAccountToken } from "./account-tokens";
import { isConfiguredAdmin } from "./accounts";
import { normalizeEmail } from "./email";

/** Mails a verification link for `email` (the account's address, or the one it is moving to). */
export async function sendVerificationMail(db: Db, mailer: Mailer, userId: number, email: string) {
  const token = await issueAccountToken(db, userId, "verify_email", email);
  await mailer.send(verificationMail(email, token));
}

/**
 * Mails a link for the account's current address unless it is verified already (then nothing).
 * Returns whether a mail went out.
 */
export async function resendVerification(db: Db, mailer: Mailer, userId: number): Promise<boolean> {
  const [user] = await rows<{ email: string }>(
    db,
    sql`select email from users where id = ${userId} and deleted_at is null and email_verified_at is null`,
  );
  if (!user) return false;
  await sendVerificationMail(db, mailer, userId, user.email);
  return true;
}

/**
 * Starts moving the account to a new address: the address changes only when the link mailed to
 * it is followed. An address that belongs to another account gets a notice instead of a link, and
 * the caller hears the same either way, so the form cannot tell who has an account.
 */
export async function requestEmailChange(db: Db, mailer: Mailer, userId: number, newEmail: string) {
  const email = normalizeEmail(newEmail);
  const [me] = await rows<{ email: string }>(db, sql`select email from users where id = ${userId}`);
  if (me?.email === email)
    throw new DomainError("INVALID", "this is already your address", { field: "email" });
  // After the response, so its timing does not depend on whether the address is taken either.
  inBackground("email change", async () => {
    const [owner] = await rows<{ id: number }>(db, sql`select id from users where email = ${email}`);
    if (owner) return mailer.send(addressInUseMail(email));
    await sendVerificationMail(db, mailer, userId, email);
  });
}

/**
 * Follows a verification link: the address in the link becomes the account's verified address
 * (moving the account to it when it was a change of email), and ADMIN_EMAILS takes effect.
 */
export async function confirmEmail(db: Db, token: string): Promise<{ userId: number; email: string }> {
  const claimed = await claimAccountToken(db, token, "verify_email");
  if (!claimed) throw invalidLink();
  const admin = isConfiguredAdmin(claimed.email);
  try {
    const [user] = await rows<{ id: number }>(
      db,
      sql`update users set email = ${claimed.email}, email_verified_at = now(),
                           role = case when ${admin} then 'admin' else role end
          where id = ${claimed.userId} and deleted_at is null
          returning id`,
    );
    if (!user) throw invalidLink();
  } catch (error) {
    if (pgErrorCode(error) === UNIQUE_VIOLATION)
      throw new DomainError("CONFLICT", "this address now belongs to another account", { field: "email" });
    throw error;
  }
  // Reset links went to the old address; after a move they must not work any more.
  await rows(
    db,
    sql`update account_tokens set used_at = now()
        where user_id = ${claimed.userId} and purpose = 'reset_password' and used_at is null
          and email <> ${claimed.email}`,
  );
  return claimed;
}
