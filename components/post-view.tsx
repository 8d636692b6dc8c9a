"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { formatDate, readingMinutes } from "./format";
import { RatingControl } from "./rating-control";
import { ScoreBadge } from "./score-badge";
import { useTRPC } from "./trpc";

export function PostView({ id }: { id: number }) {
  const trpc = useTRPC();
  const { data: post, isPending, isError, error } = useQuery(trpc.post.byId.queryOptions({ id }));
  if (isPending) return <div className="card skeleton" aria-busy="true" />;
  if (isError) return <p role="alert">This post could not be loaded: {error.message}</p>;

  const { wordCount, avgWordLength } = post.analysis;
  return (
    <article className="post">
      <p>
        <Link href="/">← All posts</Link>
      </p>
      <h1>{post.title}</h1>
      <p className="meta">
        by {post.author.name} · <time dateTime={post.createdAt}>{formatDate(post.createdAt)}</time>
      </p>
      <section className="panel" aria-label="Rating">
        <ScoreBadge score={post.score} ratingCount={post.ratingCount} />
        <RatingControl post={post} />
      </section>
      <div className="content">{post.content}</div>
      <section className="panel analysis" aria-label="Text analysis">
        <h2>Text analysis</h2>
        <dl>
          <div>
            <dt>Words</dt>
            <dd data-testid="word-count">{wordCount.toLocaleString("en")}</dd>
          </div>
          <div>
            <dt>Average word length</dt>
            <dd data-testid="avg-word-length">{avgWordLength.toFixed(1)} letters</dd>
          </div>
          <div>
            <dt>Reading time</dt>
            <dd>{readingMinutes(wordCount)} min</dd>
          </div>
        </dl>
      </section>
    </article>
  );
}
