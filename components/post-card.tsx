import Link from "next/link";
import type { PostSummary } from "@/server/posts/queries";
import { RatingControl } from "./rating-control";
import { ScoreBadge } from "./score-badge";
import { PostByline } from "./score-moved";

/**
 * One post of the list. Its links do not prefetch: every page here is rendered per request, so a
 * prefetch brings little, and twenty cards' worth of them (title and author) competed with the
 * list's hydration for the main thread.
 */
export function PostCard({ post }: { post: PostSummary }) {
  return (
    <article
      className={`card${post.myRating !== null ? " rated" : ""}`}
      aria-labelledby={`post-${post.id}-title`}
    >
      <h2 id={`post-${post.id}-title`}>
        <Link href={`/posts/${post.id}`} prefetch={false}>
          {post.title}
        </Link>
      </h2>
      <PostByline post={post} />
      <p className="excerpt">{post.excerpt}</p>
      <div className="card-footer">
        <ScoreBadge score={post.score} ratingCount={post.ratingCount} />
        {post.held && (
          <Link className="held-marker" href={`/posts/${post.id}#steadiness`} prefetch={false}>
            Some ratings held: why?
          </Link>
        )}
        <RatingControl post={post} />
      </div>
    </article>
  );
}
