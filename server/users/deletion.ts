// Deleting an account. Its ratings leave every aggregate through the rating engine (tombstones the
// fold subtracts exactly once); its posts stay, attributed to "deleted user", because other people's
// ratings of them are theirs to keep. The row itself stays, emptied of everything personal, so that
// posts and moderation records keep a valid author.
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { removeRatingsOf } from "@/server/ratings/removal";
import { DomainError } from "@/server/errors";
import { accountGone } from "./account-error";
import { passwordMatches } from "./accounts";
import { normalizeEmail } from "./email";
import { endSessions } from "./sessions";
import { WRONG_PASSWORD } from "./settings";
import { revokeAllTokens } from "./tokens";

export const DELETED_USER_NAME = "deleted user";

export type DeletionReport = { ratingsRemoved: number; tokensRevoked: number };

/**
 * Deletes the account after checking the confirmation: the account's email typed out, and its
 * password when it has one. Ends every session.
 */
export async function deleteAccount(
  db: Db,
  userId: number,
  confirmation: { email: string; password?: string | null },
): Promise<DeletionReport> {
  const [account] = await rows<{ email: string; has_password: boolean }>(
    db,
    sql`select email, password_hash is not null as has_password from users
        where id = ${userId} and deleted_at is null`,
  );
  if (!account) throw accountGone();
  if (normalizeEmail(confirmation.email) !== account.email)
    throw new DomainError("INVALID", "type your account's email address to confirm", { field: "email" });
  if (account.has_password && !(await passwordMatches(db, userId, confirmation.password ?? "")))
    throw new DomainError("INVALID", WRONG_PASSWORD, { field: "password" });

  const report = await db.transaction(async (tx) => {
    const ratingsRemoved = await removeRatingsOf(tx, { userId });
    const tokensRevoked = await revokeAllTokens(tx, userId);
    await rows(
      tx,
      sql`update account_tokens set used_at = now() where user_id = ${userId} and used_at is null`,
    );
    await rows(tx, sql`delete from oauth_accounts where user_id = ${userId}`);
    // The address becomes free for a new account (.invalid is a reserved domain: no one receives mail there).
    await rows(
      tx,
      sql`update users set email = ${`deleted-${userId}@deleted.invalid`}, name = ${DELETED_USER_NAME},
                           password_hash = null, email_verified_at = null, role = 'user',
                           ratings_public = false, deleted_at = now()
          where id = ${userId}`,
    );
    return { ratingsRemoved, tokensRevoked };
  });
  await endSessions(db, userId);
  return report;
}
