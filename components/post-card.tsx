import Link from "next/link";
import type { PostSummary } from "@/server/posts/queries";
import { formatDate } from "./format";
import { RatingControl } from "./rating-control";
import { ScoreBadge } from "./score-badge";

export function PostCard({ post }: { post: PostSummary }) {
  return (
    <article
      className={`card${post.myRating !== null ? " rated" : ""}`}
      aria-labelledby={`post-${post.id}-title`}
    >
      <h2 id={`post-${post.id}-title`}>
        <Link href={`/posts/${post.id}`}>{post.title}</Link>
      </h2>
      <p className="meta">
        by {post.author.name} · <time dateTime={post.createdAt}>{formatDate(post.createdAt)}</time>
      </p>
      <p className="excerpt">{post.excerpt}</p>
      <div className="card-footer">
        <ScoreBadge score={post.score} ratingCount={post.ratingCount} />
        {post.held && (
          <Link className="held-marker" href={`/posts/${post.id}#steadiness`}>
            Some ratings held: why?
          </Link>
        )}
        <RatingControl post={post} />
      </div>
    </article>
  );
}
