"use client";
import Link from "next/link";
import { useSignOutTo } from "./use-sign-out";
import { useSession } from "./session";

/**
 * The header of every page. Its links do not prefetch: every page is rendered per request, so a
 * prefetch brings back little more than the layout, and on a phone-class CPU the prefetches of a
 * page's visible links were processed while its hydration still held the main thread.
 */
export function SiteHeader() {
  const { data: session, status } = useSession();
  const signOutTo = useSignOutTo();

  return (
    <header className="site-header">
      <Link href="/" className="brand" prefetch={false}>
        ★ steadystar
      </Link>
      <nav aria-label="Account">
        {status === "authenticated" ? (
          <>
            <Link href="/posts/new" className="button" prefetch={false}>
              New post
            </Link>
            {session.user.role === "admin" && (
              <Link href="/admin/moderation" prefetch={false}>
                Moderation
              </Link>
            )}
            {session.user.role === "admin" && (
              <Link href="/admin/engine" prefetch={false}>
                Engine
              </Link>
            )}
            <Link href="/settings" prefetch={false}>
              Settings
            </Link>
            <Link href="/me" className="who" prefetch={false} aria-label={`My page (${session.user.name})`}>
              {session.user.name}
            </Link>
            <button type="button" className="link" onClick={() => signOutTo("/")}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <Link href="/signin" prefetch={false}>
              Sign in
            </Link>
            <Link href="/register" className="button" prefetch={false}>
              Register
            </Link>
          </>
        )}
      </nav>
    </header>
  );
}
