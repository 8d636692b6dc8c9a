"use client";
import { signOut } from "next-auth/react";
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
      await signOut({ redirect: false });
      router.push(to);
      router.refresh();
    },
    [router],
  );
}
