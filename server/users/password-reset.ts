// "Forgot password": a single-use link mailed to the account's address, and setting a new password
// through it. The request is answered the same way, in the same time, whether or not an account
// exists: everything that depends on the account happens after the response.
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { inBackground } from "@/server/background";
import type { Limits } from "@/server/limits";
import type { Mailer } from "@/server/mail/mailer";
import { passwordResetMail } from "@/server/mail/messages";
import { invalidLink } from "./account-error";
import { claimAccountToken, issueAccountToken } from "./account-tokens";
import { hashPassword, isConfiguredAdmin } from "./accounts";
import { normalizeEmail } from "./email";

/**
 * Mails a reset link if the address belongs to an account whose own limit allows another mail.
 * Returns at once; the lookup and the mail follow in the background.
 */
export function requestPasswordReset(
  db: Db,
  mailer: Mailer,
  limits: Limits | undefined,
  email: string,
): void {
  const address = normalizeEmail(email);
  inBackground("password reset", async () => {
    const [user] = await rows<{ id: number; email: string }>(
      db,
      sql`select id, email from users where email = ${address} and deleted_at is null`,
    );
    if (!user) return;
    const verdict = await limits?.check("passwordReset", { user: user.id });
    if (verdict && !verdict.ok) return;
    const token = await issueAccountToken(db, user.id, "reset_password", user.email);
    await mailer.send(passwordResetMail(user.email, token));
  });
}

/**
 * Sets a new password through a reset link. The link proves the owner reads mail at the address,
 * so the address counts as verified from then on. Returns the account, whose other sessions the
 * caller ends.
 */
export async function resetPassword(db: Db, token: string, password: string): Promise<{ userId: number }> {
  const claimed = await claimAccountToken(db, token, "reset_password");
  if (!claimed) throw invalidLink();
  const passwordHash = await hashPassword(password);
  const admin = isConfiguredAdmin(claimed.email);
  const [user] = await rows<{ id: number }>(
    db,
    sql`update users set password_hash = ${passwordHash},
                         email_verified_at = coalesce(email_verified_at, now()),
                         role = case when ${admin} then 'admin' else role end
        where id = ${claimed.userId} and email = ${claimed.email} and deleted_at is null
        returning id`,
  );
  if (!user) throw invalidLink();
  return { userId: user.id };
}
