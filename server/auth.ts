import "server-only";
import type { NextAuthOptions, User } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import type { Db } from "@/db/client";
import { authSecret } from "./env";
import { clientIpFromHeaders, type Limits } from "./limits";
import { defaultLimits, getDb } from "./runtime";
import { verifyCredentials } from "./users/accounts";
import type { Role } from "./users/roles";

declare module "next-auth" {
  interface Session {
    user: { id: number; name: string; email: string; role: Role };
  }
  interface User {
    role: Role;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: Role;
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
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.role = user.role;
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
