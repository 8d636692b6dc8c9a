"use client";
import { useRouter } from "next/navigation";
import { useCallback } from "react";

/**
 * Signs this browser out and goes to `to` without a full reload: the session cookie clears in place,
 * and the refresh re-renders server components (the header, the page) without the session.
 */
export function useSignOutTo(): (to: string) => Promise<void> {
  const router = useRouter();
  return useCallback(
    async (to: string) => {
      // next-auth's client is loaded only when someone signs out: it is not needed to show a page.
      const { signOut } = await import("next-auth/react");
      await signOut({ redirect: false });
      router.push(to);
      router.refresh();
    },
    [router],
  );
}
