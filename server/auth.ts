import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb, type Db } from "@/db/client";
import { authSecret } from "./env";
import { clientIpFromHeaders, defaultLimits, type Limits } from "./limits";
import { identityFromProfile, oauthProviders } from "./auth-providers";
import { getRole, verifyCredentials } from "./users/accounts";
import { accountForIdentity, signInWithOAuth } from "./users/oauth";
import { accountOverview } from "./users/settings";

declare module "next-auth" {
  interface Session {
    user: { id: number; name: string; email: string; role: "user" | "admin" };
  }
  interface User {
    role: "user" | "admin";
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: "user" | "admin";
  }
}

type SignInRequest = { headers?: Record<string, unknown> };

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return undefined;
}

/**
 * The credentials check, limited per email and per client address before the password hash is
 * even computed. Over the limit it throws: next-auth passes the message on as `?error=…` (or as
 * `error` to `signIn(…, { redirect: false })`), so the person learns when to retry.
 */
export function authorizeCredentials(deps: { openDb?: () => Promise<Db>; limits?: Limits } = {}) {
  const openDb = deps.openDb ?? getDb;
  return async (
    credentials: Record<string, string> | undefined,
    req?: SignInRequest,
  ): Promise<User | null> => {
    const email = credentials?.email;
    const password = credentials?.password;
    if (typeof email !== "string" || typeof password !== "string") return null;
    if (email.length > 254 || password.length > 200) return null;
    const ip = clientIpFromHeaders((name) => headerValue(req?.headers, name));
    const verdict = await (deps.limits ?? defaultLimits()).check("signin", { email, ip });
    if (!verdict.ok) throw new Error(verdict.message);
    const user = await verifyCredentials(await openDb(), email, password);
    return user ? { id: String(user.id), name: user.name, email: user.email, role: user.role } : null;
  };
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        authorize: authorizeCredentials(),
      }),
      ...oauthProviders(),
    ],
    callbacks: {
      // An OAuth identity signs in only as the account signInWithOAuth picks (or creates) for it.
      async signIn({ account, profile }) {
        if (!account || account.type !== "oauth") return true;
        const identity = identityFromProfile(account.provider, account.providerAccountId, profile);
        const outcome = await signInWithOAuth(await getDb(), identity);
        return outcome.ok ? true : `/signin?error=${outcome.reason}`;
      },
      async jwt({ token, user, account, trigger }) {
        if (user) token.role = user.role;
        if (account?.type === "oauth") {
          const linked = await accountForIdentity(await getDb(), account.provider, account.providerAccountId);
          if (!linked) throw new Error("OAuthAccountMissing");
          token.sub = String(linked.id);
          token.name = linked.name;
          token.email = linked.email;
          token.role = linked.role;
        }
        // useSession().update() after a change in /settings: the name and email come from the
        // database, never from what the client sent.
        if (trigger === "update" && token.sub) {
          const db = await getDb();
          const overview = await accountOverview(db, Number(token.sub));
          if (overview) {
            token.name = overview.name;
            token.email = overview.email;
            token.role = (await getRole(db, overview.id)) ?? token.role;
          }
        }
        return token;
      },
      session({ session, token }) {
        session.user = {
          id: Number(token.sub),
          name: token.name ?? "",
          email: token.email ?? "",
          role: token.role ?? "user",
        };
        return session;
      },
    },
  };
}
