"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "./trpc";
import { useSession } from "./session";

/** Admins lock a post against new ratings, and hide it from everyone else, from its page. */
export function LockToggle({ postId, locked, hidden }: { postId: number; locked: boolean; hidden: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: session } = useSession();
  const onSuccess = () => queryClient.invalidateQueries(trpc.post.pathFilter());
  const lock = useMutation(trpc.admin.lockPost.mutationOptions({ onSuccess }));
  const unlock = useMutation(trpc.admin.unlockPost.mutationOptions({ onSuccess }));
  const hide = useMutation(trpc.admin.hidePost.mutationOptions({ onSuccess }));
  const unhide = useMutation(trpc.admin.unhidePost.mutationOptions({ onSuccess }));
  if (session?.user.role !== "admin") return null;
  const pending = lock.isPending || unlock.isPending || hide.isPending || unhide.isPending;
  const error = lock.error ?? unlock.error ?? hide.error ?? unhide.error;
  return (
    <p className="admin-tools">
      <button type="button" disabled={pending} onClick={() => (locked ? unlock : lock).mutate({ postId })}>
        {locked ? "Unlock ratings" : "Lock ratings"}
      </button>{" "}
      <button type="button" disabled={pending} onClick={() => (hidden ? unhide : hide).mutate({ postId })}>
        {hidden ? "Show post again" : "Hide post"}
      </button>
      {hidden && <span className="hint"> Hidden: only moderators see this post.</span>}
      {error && (
        <span className="error" role="alert">
          {" "}
          {error.message}
        </span>
      )}
    </p>
  );
}
