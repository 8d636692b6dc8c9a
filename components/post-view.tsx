"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatInteger, readingMinutes } from "./format";
import { LockToggle } from "./lock-toggle";
import { ShareLink } from "./share-link";
import { PostOwnerTools } from "./post-owner-tools";
import { RatingControl } from "./rating-control";
import { RatingBreakdown } from "./rating-breakdown";
import { ScoreBadge } from "./score-badge";
import { PostByline } from "./score-moved";
import { HISTORY_HOURS, LIVE_MS } from "./post-queries";
import { ScoreTimeline } from "./score-timeline";
import { SteadinessBanner } from "./steadiness-banner";
import { useTRPC } from "./trpc";

/** `windowSeconds`: the engine's window, so the timeline draws each window (and held period) its true width. */
export function PostView({ id, windowSeconds }: { id: number; windowSeconds: number }) {
  const trpc = useTRPC();
  const [showAll, setShowAll] = useState(false);
  const {
    data: post,
    isPending,
    isError,
    error,
  } = useQuery(trpc.post.byId.queryOptions({ id }, { refetchInterval: LIVE_MS }));
  const history = useQuery(
    trpc.post.history.queryOptions({ id, hours: HISTORY_HOURS }, { refetchInterval: LIVE_MS }),
  );
  const breakdown = useQuery(trpc.post.breakdown.queryOptions({ id }, { refetchInterval: LIVE_MS }));
  if (isPending) return <div className="card skeleton" aria-busy="true" />;
  if (isError) return <p role="alert">This post could not be loaded: {error.message}</p>;

  const { wordCount, avgWordLength } = post.analysis;
  const shownScore = showAll && post.steadiness ? post.scoreAllIncluded : post.score;
  return (
    <article className="post">
      <p>
        <Link href="/" prefetch={false}>
          ← All posts
        </Link>
      </p>
      <h1>{post.title}</h1>
      <PostByline post={post} />
      <section className="panel" aria-label="Rating">
        <ScoreBadge score={shownScore} ratingCount={post.ratingCount} />
        <RatingControl post={post} />
      </section>
      <ShareLink title={post.title} />
      <LockToggle postId={post.id} locked={post.locked} hidden={post.hidden} />
      <PostOwnerTools post={post} />
      {post.steadiness && (
        <SteadinessBanner
          steadiness={post.steadiness}
          score={post.score}
          scoreAllIncluded={post.scoreAllIncluded}
          showAll={showAll}
          onToggle={() => setShowAll((v) => !v)}
        />
      )}
      <div className="content">{post.content}</div>
      <section className="panel analysis" aria-label="Text analysis">
        <h2>Text analysis</h2>
        <dl>
          <div>
            <dt>Words</dt>
            <dd data-testid="word-count">{formatInteger(wordCount)}</dd>
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
      <section className="panel stats" aria-label="Ratings">
        <h2>Ratings</h2>
        {breakdown.isPending ? (
          <div className="skeleton chart-skeleton" aria-busy="true" />
        ) : breakdown.isError ? (
          <p className="hint">The breakdown could not be loaded.</p>
        ) : (
          <RatingBreakdown breakdown={breakdown.data} />
        )}
        <h3>Last {HISTORY_HOURS} hours</h3>
        {history.isPending ? (
          <div className="skeleton chart-skeleton" aria-busy="true" />
        ) : history.isError ? (
          <p className="hint">The chart could not be loaded.</p>
        ) : (
          <ScoreTimeline points={history.data} hours={HISTORY_HOURS} windowSeconds={windowSeconds} />
        )}
      </section>
    </article>
  );
}
