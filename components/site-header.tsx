"use client";
import Link from "next/link";
import { signOut, useSession } from "next-auth/react";
import { useRouter } from "next/navigation";

export function SiteHeader() {
  const { data: session, status } = useSession();
  const router = useRouter();

  // No full reload: the session clears in place and server components re-render without it.
  async function onSignOut() {
    await signOut({ redirect: false });
    router.push("/");
    router.refresh();
  }

  return (
    <header className="site-header">
      <Link href="/" className="brand">
        ★ steadystar
      </Link>
      <nav aria-label="Account">
        {/* While the session loads, show neither state: a flash of "Sign in" would be wrong. */}
        {status === "loading" ? null : status === "authenticated" ? (
          <>
            <Link href="/posts/new" className="button">
              New post
            </Link>
            {session.user.role === "admin" && <Link href="/admin/moderation">Moderation</Link>}
            {session.user.role === "admin" && <Link href="/admin/engine">Engine</Link>}
            <Link href="/settings">Settings</Link>
            <Link href="/me" className="who" aria-label={`My page (${session.user.name})`}>
              {session.user.name}
            </Link>
            <button type="button" className="link" onClick={onSignOut}>
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
