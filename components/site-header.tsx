"use client";
import Link from "next/link";
import { signOut, useSession } from "next-auth/react";

export function SiteHeader() {
  const { data: session, status } = useSession();
  return (
    <header className="site-header">
      <Link href="/" className="brand">
        ★ steadystar
      </Link>
      <nav aria-label="Account">
        {status === "authenticated" ? (
          <>
            <Link href="/posts/new" className="button">
              New post
            </Link>
            <span className="who">{session.user.name}</span>
            <button type="button" className="link" onClick={() => signOut({ callbackUrl: "/" })}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <Link href="/signin">Sign in</Link>
            <Link href="/register" className="button">
              Register
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
