import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Db } from "@/db/client";
import { setTimeout as sleep } from "node:timers/promises";
import { identityFromProfile, oauthProviders } from "./auth-providers";
import { sameOriginUrl } from "./callback-url";
import { clientAddress } from "./client-address";
import { authSecret, serverConfig } from "./env";
import { type Limits } from "./limits";
import { defaultLimits, getDb } from "./runtime";
import { verifyCredentials } from "./users/accounts";
import { normalizeEmail } from "./users/email";
import { accountForIdentity, signInWithOAuth } from "./users/oauth";
import { getRole, type Role } from "./users/roles";
import { accountOverview } from "./users/settings";
import { endSession, newSessionId, SESSION_MAX_AGE_SECONDS, sessionUserId } from "./users/sessions";

declare module "next-auth" {
  interface Session {
    user: { id: number; name: string; email: string; role: Role };
  }
  interface User {
    role: Role;
    sessionVersion: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
    /** The account's session version when this session was issued (server/users/sessions.ts). */
    sv?: number;
    /** This session's own id, fixed at sign-in; signing out ends it (server/users/sessions.ts). */
    sid?: string;
  }
}

/** Thrown from the jwt callback for a session that was ended: next-auth then clears the cookie. */
class SessionEndedError extends Error {
  constructor() {
    super("this session was ended: sign in again");
  }
}

type SignInRequest = { headers?: Record<string, unknown> };

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === "string") return value;
  if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  return undefined;
}

/** How long every sign-in attempt on an account waits while that account is over its failure limit. */
export const SIGNIN_SLOWDOWN_MS = 2_000;

// Accounts over their failure limit, until when. The count is shared (Redis when configured); each
// process learns of it at its next failure on the account. Per process: options are built per request.
const slowed = new Map<string, number>();

/**
 * The credentials check, limited per (email, client address) and per address before the password
 * hash is even computed; over either limit it throws, and next-auth passes the message on as
 * `?error=…` (or as `error` to `signIn(…, { redirect: false })`), so the person learns when to retry.
 * Failures per account are counted from every address, and past their limit each attempt on that
 * account is slowed down instead of refused: an owner signing in from an address of their own
 * still gets in, however many addresses are failing against the account.
 */
export function authorizeCredentials(
  deps: { openDb?: () => Promise<Db>; limits?: Limits; slowdownMs?: number } = {},
) {
  const openDb = deps.openDb ?? getDb;
  const slowdownMs = deps.slowdownMs ?? SIGNIN_SLOWDOWN_MS;
  return async (
    credentials: Record<string, string> | undefined,
    req?: SignInRequest,
  ): Promise<User | null> => {
    const email = credentials?.email;
    const password = credentials?.password;
    if (typeof email !== "string" || typeof password !== "string") return null;
    if (email.length > 254 || password.length > 200) return null;
    const limits = deps.limits ?? defaultLimits();
    const ip = clientAddress((name) => headerValue(req?.headers, name), serverConfig().proxyTrust);
    const verdict = await limits.check("signin", { email, ip });
    if (!verdict.ok) throw new Error(verdict.message);
    const account = normalizeEmail(email);
    if ((slowed.get(account) ?? 0) > Date.now()) await sleep(slowdownMs);
    const user = await verifyCredentials(await openDb(), email, password);
    if (!user) {
      const failures = await limits.check("signinFailure", { email });
      if (!failures.ok) {
        if (slowed.size > 10_000) slowed.clear();
        slowed.set(account, Date.now() + failures.retryAfterSeconds * 1000);
      }
      return null;
    }
    const { id, name, role, sessionVersion } = user;
    return { id: String(id), name, email: user.email, role, sessionVersion };
  };
}

export function authOptions(deps: { openDb?: () => Promise<Db> } = {}): NextAuthOptions {
  const openDb = deps.openDb ?? getDb;
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
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
      // next-auth's own rule throws on a URL it cannot parse (a tampered callback-url cookie, say),
      // which answers 500: any URL that is not on this site leads to the home page instead.
      redirect({ url, baseUrl }) {
        return sameOriginUrl(url, baseUrl)?.href ?? baseUrl;
      },
      // An OAuth identity signs in only as the account signInWithOAuth picks (or creates) for it.
      async signIn({ account, profile }) {
        if (!account || account.type !== "oauth") return true;
        const identity = identityFromProfile(account.provider, account.providerAccountId, profile);
        const outcome = await signInWithOAuth(await openDb(), identity);
        return outcome.ok ? true : `/signin?error=${outcome.reason}`;
      },
      // Runs for /api/auth/session and getServerSession, after the JWT is decoded: an ended session
      // is refused there, so neither the page nor the browser's session sees it.
      async jwt({ token, user, account, trigger }) {
        if (account?.type === "oauth") {
          // The provider's profile is not the account: the session is the linked account's.
          const linked = await accountForIdentity(
            await openDb(),
            account.provider,
            account.providerAccountId,
          );
          if (!linked) throw new SessionEndedError();
          const { id, name, email, role, sessionVersion } = linked;
          return { ...token, sub: String(id), name, email, role, sv: sessionVersion, sid: newSessionId() };
        }
        if (user) {
          token.role = user.role;
          token.sv = user.sessionVersion;
          token.sid = newSessionId();
          return token;
        }
        const db = await openDb();
        const userId = await sessionUserId(db, token);
        if (userId === null) throw new SessionEndedError();
        // The role is read on every session read, so `npm run admin -- grant` shows an open
        // session its admin links at its next page load, with no new sign-in.
        token.role = (await getRole(db, userId)) ?? token.role;
        // useSession().update() after a change in /settings or a confirmed email: name and email
        // come from the database, never from what the client sent.
        if (trigger === "update") {
          const overview = await accountOverview(db, userId);
          if (overview) {
            token.name = overview.name;
            token.email = overview.email;
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
    events: {
      // Signing out ends this session, every copy of its cookie included, and no other: a new
      // sign-in right after is a new session. next-auth passes the decoded JWT of the request.
      async signOut(message) {
        if ("token" in message) await endSession(await openDb(), message.token);
      },
    },
    logger: {
      error(code, metadata) {
        if (metadata instanceof SessionEndedError) return;
        console.error(`[next-auth][error][${code}]`, metadata);
      },
    },
  };
}
