"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { formatScore, formatUtcTime } from "./format";
import { TableHead } from "./table-head";
import { useTRPC } from "./trpc";

export function ModerationTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const held = useQuery(trpc.admin.heldPosts.queryOptions());
  const refresh = () => queryClient.invalidateQueries(trpc.admin.heldPosts.queryFilter());
  const lock = useMutation(trpc.admin.lockPost.mutationOptions({ onSuccess: refresh }));
  const unlock = useMutation(trpc.admin.unlockPost.mutationOptions({ onSuccess: refresh }));

  if (held.isPending) return <p className="hint">Loading…</p>;
  if (held.isError) return <p role="alert">Could not load: {held.error.message}</p>;
  if (held.data.length === 0) return <p className="empty">No post has ratings held back right now.</p>;
  return (
    <div className="table-scroll">
      <table className="table">
        <TableHead columns={["Post", "Held", "Held mean", "Score (all)", "When (UTC)", "Peak volume"]} />
        <tbody>
          {held.data.map((p) => (
            <tr key={p.id}>
              <td>
                <Link href={`/posts/${p.id}`}>{p.title}</Link>
              </td>
              <td>
                {Math.round(p.heldCount).toLocaleString("en")} of {p.ratingCount.toLocaleString("en")}
              </td>
              <td>{p.heldMean.toFixed(1)}</td>
              <td>
                {formatScore(p.score) ?? "–"} ({formatScore(p.scoreAllIncluded) ?? "–"})
              </td>
              <td>
                {p.heldSince === p.lastHeldAt
                  ? formatUtcTime(p.heldSince)
                  : `${formatUtcTime(p.heldSince)} – ${formatUtcTime(p.lastHeldAt)}`}
              </td>
              <td>{Math.round(p.peakVolumeRatio)}×</td>
              <td>
                {p.lockedAt ? (
                  <button type="button" onClick={() => unlock.mutate({ postId: p.id })}>
                    Unlock
                  </button>
                ) : (
                  <button type="button" onClick={() => lock.mutate({ postId: p.id })}>
                    Lock
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
