// Sign-in through an OAuth provider: which account an identity at a provider belongs to.
import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { UNIQUE_VIOLATION, pgErrorCode } from "@/db/errors";
import { isConfiguredAdmin, type PublicUser, type SignedInUser } from "./accounts";
import { normalizeEmail } from "./email";

export type OAuthIdentity = {
  provider: string;
  providerAccountId: string;
  email: string | null;
  /** Whether the provider vouches that its user controls the address. */
  emailVerified: boolean;
  name: string | null;
};

/** Why an identity was refused; the sign-in page explains each (components of ?error=). */
export type OAuthRefusal = "OAuthEmailUnverified" | "OAuthLinkUnverified";

export type OAuthOutcome =
  { ok: true; user: PublicUser; created: boolean } | { ok: false; reason: OAuthRefusal };

async function link(db: Db, identity: OAuthIdentity, userId: number) {
  await rows(
    db,
    sql`insert into oauth_accounts (provider, provider_account_id, user_id)
        values (${identity.provider}, ${identity.providerAccountId}, ${userId})
        on conflict do nothing`,
  );
}

function displayName(identity: OAuthIdentity, email: string): string {
  const name = (identity.name ?? "").replace(/\u0000/g, "").trim() || email.split("@")[0] || "user";
  return name.slice(0, 80);
}

/**
 * The account for a provider identity: the one already linked to it; else, only when the provider
 * vouches for the address, the account with that address if that account verified it too (linked
 * now), or a new account without a password. An address nobody verified never joins two
 * identities: otherwise whoever registered a victim's address first would get the victim's sign-ins.
 */
export async function signInWithOAuth(db: Db, identity: OAuthIdentity): Promise<OAuthOutcome> {
  const linked = await accountForIdentity(db, identity.provider, identity.providerAccountId);
  if (linked) return { ok: true, user: pick(linked), created: false };
  if (!identity.email || !identity.emailVerified) return { ok: false, reason: "OAuthEmailUnverified" };
  const email = normalizeEmail(identity.email);
  for (let attempt = 0; attempt < 2; attempt++) {
    const [existing] = await rows<PublicUser & { verified: boolean }>(
      db,
      sql`select id, email, name, role, email_verified_at is not null as verified
          from users where email = ${email} and deleted_at is null`,
    );
    if (existing) {
      if (!existing.verified) return { ok: false, reason: "OAuthLinkUnverified" };
      await link(db, identity, existing.id);
      return {
        ok: true,
        user: { id: existing.id, email, name: existing.name, role: existing.role },
        created: false,
      };
    }
    try {
      const [created] = await rows<PublicUser>(
        db,
        sql`insert into users (email, name, password_hash, email_verified_at, role)
            values (${email}, ${displayName(identity, email)}, null, now(),
                    ${isConfiguredAdmin(email) ? "admin" : "user"})
            returning id, email, name, role`,
      );
      if (!created) throw new Error("insert returned no user");
      await link(db, identity, created.id);
      return { ok: true, user: created, created: true };
    } catch (error) {
      // Someone registered the address a moment ago: decide again against that account.
      if (pgErrorCode(error) !== UNIQUE_VIOLATION) throw error;
    }
  }
  return { ok: false, reason: "OAuthLinkUnverified" };
}

/** The account linked to a provider identity, for the session issued after signInWithOAuth allowed it. */
export async function accountForIdentity(
  db: Db,
  provider: string,
  providerAccountId: string,
): Promise<SignedInUser | null> {
  const [user] = await rows<PublicUser & { session_version: number }>(
    db,
    sql`select u.id, u.email, u.name, u.role, u.session_version
        from oauth_accounts o join users u on u.id = o.user_id
        where o.provider = ${provider} and o.provider_account_id = ${providerAccountId} and u.deleted_at is null`,
  );
  return user ? { ...pick(user), sessionVersion: Number(user.session_version) } : null;
}

function pick({ id, email, name, role }: PublicUser): PublicUser {
  return { id, email, name, role };
}
