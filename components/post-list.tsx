"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Activity } from "react";
import type { PostSort } from "@/server/posts/sorts";
import { PAGE_SIZE } from "./list-params";
import { PostCard } from "./post-card";
import { useTRPC } from "./trpc";

export function PostList({ sort, q }: { sort: PostSort; q?: string }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.post.list.infiniteQueryOptions(
      { sort, q, limit: PAGE_SIZE },
      // Counts and scores refresh while the page is visible (hidden tabs do not poll).
      { getNextPageParam: (page) => page.nextCursor, refetchInterval: 30_000 },
    ),
  );

  if (list.isPending) return <ListSkeleton />;
  // A failed "Load more" keeps the pages already shown; only a failed first page replaces the list.
  if (list.isError && !list.data) {
    return (
      <div className="empty" role="alert">
        <p>The posts could not be loaded: {list.error.message}</p>
        <button type="button" onClick={() => list.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const posts = list.data.pages.flatMap((page) => page.items);
  if (posts.length === 0) {
    return (
      <div className="empty">
        {q ? (
          <p>No post title matches “{q}”.</p>
        ) : (
          <p>
            No posts yet — <Link href="/posts/new">create the first</Link>.
          </p>
        )}
      </div>
    );
  }
  return (
    <>
      <ol className="post-list">
        {posts.map((post) => (
          <li key={post.id}>
            {/*
              A boundary per card: React leaves each server-rendered card for later and hydrates
              them one at a time in slices, letting the browser paint and answer input in between
              (a click on a card not yet hydrated hydrates that card first), instead of one task
              for all twenty, which was most of the list's blocking time on a phone-class CPU.
              Activity rather than Suspense: the server writes an Activity's content in place,
              whereas it moves completed Suspense content past the first ~12 KB of the page to the
              end, to be put back by a script, which leaves those cards hidden without JavaScript.
            */}
            <Activity>
              <PostCard post={post} />
            </Activity>
          </li>
        ))}
      </ol>
      <div className="more">
        {list.isFetchNextPageError ? (
          <div role="alert">
            <p className="error">More posts could not be loaded: {list.error.message}</p>
            <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
              {list.isFetchingNextPage ? "Loading…" : "Try again"}
            </button>
          </div>
        ) : list.hasNextPage ? (
          <button type="button" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {list.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : (
          <p className="hint">That’s all {posts.length} posts.</p>
        )}
      </div>
    </>
  );
}

export function ListSkeleton() {
  return (
    <ol className="post-list" aria-busy="true" aria-label="Loading posts">
      {Array.from({ length: 4 }, (_, i) => (
        <li key={i}>
          <div className="card skeleton">
            <div className="bar wide" />
            <div className="bar" />
            <div className="bar wide" />
          </div>
        </li>
      ))}
    </ol>
  );
}
