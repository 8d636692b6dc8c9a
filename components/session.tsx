"use client";
import type { Session } from "next-auth";
import { useRouter } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, type ReactNode } from "react";

/**
 * The visitor's session, as the server read it for this render. next-auth's own SessionProvider and
 * useSession put its client (40 KB with its helpers) into every page's first bundle and kept a
 * copy of the session in client state; here the root layout, rendered per request, passes the
 * session down, and anything that changes it (sign in, sign out, a new name) refreshes the route,
 * which renders the layout again with the new session.
 */
const SessionContext = createContext<Session | null>(null);

export type SessionState =
  { data: Session; status: "authenticated" } | { data: null; status: "unauthenticated" };

export function SessionProvider({ session, children }: { session: Session | null; children: ReactNode }) {
  useRefreshOnReturn(session !== null);
  return <SessionContext value={session}>{children}</SessionContext>;
}

/** The same shape as next-auth's useSession, without its "loading" state: the server already knows. */
export function useSession(): SessionState {
  const session = useContext(SessionContext);
  return session ? { data: session, status: "authenticated" } : { data: null, status: "unauthenticated" };
}

/**
 * Asks the server to re-read this session's name and email from the database (next-auth's session
 * update, which rewrites the session cookie), then renders the page again with them.
 */
export function useUpdateSession(): () => Promise<void> {
  const router = useRouter();
  return useCallback(async () => {
    const { getCsrfToken } = await import("next-auth/react");
    await fetch("/api/auth/session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ csrfToken: await getCsrfToken() }),
    });
    router.refresh();
  }, [router]);
}

/**
 * A tab that comes back into view checks whether it is still signed in as it shows (another tab may
 * have signed out, or a password reset ended the session), as next-auth's provider did, and renders
 * the page again if not.
 */
function useRefreshOnReturn(signedIn: boolean) {
  const router = useRouter();
  useEffect(() => {
    async function onVisible() {
      if (document.visibilityState !== "visible") return;
      const response = await fetch("/api/auth/session").catch(() => null);
      if (!response?.ok) return;
      const body: unknown = await response.json();
      const nowSignedIn = typeof body === "object" && body !== null && "user" in body;
      if (nowSignedIn !== signedIn) router.refresh();
    }
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [router, signedIn]);
}
