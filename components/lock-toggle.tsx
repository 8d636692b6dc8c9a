"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useSession } from "next-auth/react";
import { useTRPC } from "./trpc";

/** Admins lock a post against new ratings (and unlock it) from its page. */
export function LockToggle({ postId, locked }: { postId: number; locked: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: session } = useSession();
  const onSuccess = () => queryClient.invalidateQueries(trpc.post.pathFilter());
  const lock = useMutation(trpc.admin.lockPost.mutationOptions({ onSuccess }));
  const unlock = useMutation(trpc.admin.unlockPost.mutationOptions({ onSuccess }));
  if (session?.user.role !== "admin") return null;
  const pending = lock.isPending || unlock.isPending;
  const error = lock.error ?? unlock.error;
  return (
    <p className="admin-tools">
      <button type="button" disabled={pending} onClick={() => (locked ? unlock : lock).mutate({ postId })}>
        {locked ? "Unlock ratings" : "Lock ratings"}
      </button>
      {error && (
        <span className="error" role="alert">
          {" "}
          {error.message}
        </span>
      )}
    </p>
  );
}
