import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { authSecret } from "./env";
import { verifyCredentials } from "./users/accounts";

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
        async authorize(credentials) {
          const email = credentials?.email;
          const password = credentials?.password;
          if (typeof email !== "string" || typeof password !== "string") return null;
          if (email.length > 254 || password.length > 200) return null;
          const user = await verifyCredentials(await getDb(), email, password);
          return user ? { id: String(user.id), name: user.name, email: user.email, role: user.role } : null;
        },
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
