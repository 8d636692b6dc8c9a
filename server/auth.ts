import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Db } from "@/db/client";
import { authSecret } from "./env";
import { clientIpFromHeaders, type Limits } from "./limits";
import { defaultLimits, getDb } from "./runtime";
import { verifyCredentials } from "./users/accounts";
import type { Role } from "./users/roles";
import { endSessions, sessionUserId } from "./users/sessions";

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
    if (!user) return null;
    const { id, name, role, sessionVersion } = user;
    return { id: String(id), name, email: user.email, role, sessionVersion };
  };
}

export function authOptions(deps: { openDb?: () => Promise<Db> } = {}): NextAuthOptions {
  const openDb = deps.openDb ?? getDb;
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
    ],
    callbacks: {
      // Runs for /api/auth/session and getServerSession, after the JWT is decoded: an ended session
      // is refused there, so neither the page nor the browser's session sees it.
      async jwt({ token, user }) {
        if (user) {
          token.role = user.role;
          token.sv = user.sessionVersion;
          return token;
        }
        if ((await sessionUserId(await openDb(), token)) === null) throw new SessionEndedError();
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
      // Signing out ends every session of the account. Only a current session may do it, so a
      // cookie that was already ended cannot sign its owner out again.
      async signOut(message) {
        if (!("token" in message)) return;
        const db = await openDb();
        const userId = await sessionUserId(db, message.token);
        if (userId !== null) await endSessions(db, userId);
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
