"use client";
import Link from "next/link";
import { useSyncExternalStore } from "react";
import type { PostSummary } from "@/server/posts/queries";
import { formatAgo, formatDate } from "./format";

/**
 * One clock for every "score moved … ago" on the page: a single timer, and one render pass for all
 * of them when it ticks (a timer per card re-rendered each card on its own, twenty times on the list
 * right after hydration).
 */
const clock = {
  now: null as number | null,
  listeners: new Set<() => void>(),
  timer: undefined as ReturnType<typeof setInterval> | undefined,
  subscribe(onChange: () => void): () => void {
    clock.listeners.add(onChange);
    if (clock.timer === undefined) {
      // A page opened later than the last tick starts from the present (React re-reads after subscribing).
      clock.now = Date.now();
      clock.timer = setInterval(() => {
        clock.now = Date.now();
        for (const listener of clock.listeners) listener();
      }, 30_000);
    }
    return () => {
      clock.listeners.delete(onChange);
      if (clock.listeners.size === 0) {
        clearInterval(clock.timer);
        clock.timer = undefined;
      }
    };
  },
  read(): number {
    clock.now ??= Date.now();
    return clock.now;
  },
};

/**
 * "5 minutes ago": when the score last changed. The server's HTML says "just now" (it cannot know the
 * reader's clock), and the browser corrects it right after hydration, so server and client agree.
 */
export function ScoreMoved({ at }: { at: string }) {
  const now = useSyncExternalStore(clock.subscribe, clock.read, () => null);
  const elapsed = now === null ? 0 : Math.max(0, now - Date.parse(at));
  return (
    <time dateTime={at} title={new Date(at).toUTCString()}>
      {formatAgo(elapsed)}
    </time>
  );
}

/** "by Name · date · score moved 5 minutes ago", the author linking to their profile. */
export function PostByline({ post }: { post: Pick<PostSummary, "author" | "createdAt" | "scoreMovedAt"> }) {
  return (
    <p className="meta">
      by{" "}
      <Link href={`/users/${post.author.id}`} prefetch={false}>
        {post.author.name}
      </Link>{" "}
      · <time dateTime={post.createdAt}>{formatDate(post.createdAt)}</time>
      {post.scoreMovedAt && (
        <>
          {" "}
          · score moved <ScoreMoved at={post.scoreMovedAt} />
        </>
      )}
    </p>
  );
}
