"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import type { PostSummary } from "@/server/posts/queries";
import { formatDate } from "./format";

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "5 minutes ago": when the score last changed; rendered after hydration so server and client agree. */
export function ScoreMoved({ at }: { at: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 30_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);
  const elapsed = now === null ? 0 : Math.max(0, now - Date.parse(at));
  const [unit, ms] = units.find(([, size]) => elapsed >= size) ?? ["minute", 60_000];
  return (
    <time dateTime={at} title={new Date(at).toUTCString()}>
      {now === null || elapsed < 60_000 ? "just now" : relative.format(-Math.floor(elapsed / ms), unit)}
    </time>
  );
}

/** "by Name · date · score moved 5 minutes ago", the author linking to their profile. */
export function PostByline({ post }: { post: Pick<PostSummary, "author" | "createdAt" | "scoreMovedAt"> }) {
  return (
    <p className="meta">
      by <Link href={`/users/${post.author.id}`}>{post.author.name}</Link> ·{" "}
      <time dateTime={post.createdAt}>{formatDate(post.createdAt)}</time>
      {post.scoreMovedAt && (
        <>
          {" "}
          · score moved <ScoreMoved at={post.scoreMovedAt} />
        </>
      )}
    </p>
  );
}
