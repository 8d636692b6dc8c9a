"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import type { LockedPost } from "@/server/moderation";
import { formatRatingCount, formatUtcTime } from "./format";
import { TableHead } from "./table-head";
import { useTRPC } from "./trpc";

function UnlockButton({ postId }: { postId: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  // The list is rendered by the server: refresh it once the post is unlocked.
  const unlock = useMutation(trpc.admin.unlockPost.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <>
      <button type="button" disabled={unlock.isPending} onClick={() => unlock.mutate({ postId })}>
        Unlock
      </button>
      {unlock.error && (
        <span className="error" role="alert">
          {" "}
          {unlock.error.message}
        </span>
      )}
    </>
  );
}

/** Posts a moderator locked that hold no burst, so they appear nowhere in the held list. */
export function LockedPosts({ posts }: { posts: LockedPost[] }) {
  if (posts.length === 0) return <p className="empty">No other post is locked.</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <TableHead columns={["Post", "Ratings", "Locked (UTC)"]} />
        <tbody>
          {posts.map((post) => (
            <tr key={post.id}>
              <td>
                <Link href={`/posts/${post.id}`}>{post.title}</Link>
              </td>
              <td>{formatRatingCount(post.ratingCount)}</td>
              <td>{formatUtcTime(Date.parse(post.lockedAt) / 1000)}</td>
              <td>
                <UnlockButton postId={post.id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
