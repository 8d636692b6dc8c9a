import Link from "next/link";
import type { Profile } from "@/server/users/profile";
import { formatDate, formatRatingCount, formatScore } from "./format";

/** A person's posts and (when shown) ratings, each linking to the post. */
export function ProfileView({ profile, own }: { profile: Profile; own: boolean }) {
  return (
    <>
      <p className="meta">Joined {formatDate(profile.joinedAt)}</p>
      <section className="panel" aria-labelledby="profile-posts">
        <h2 id="profile-posts">{own ? "My posts" : "Posts"}</h2>
        {profile.posts.length === 0 ? (
          <p className="hint">No posts yet.</p>
        ) : (
          <ul className="profile-list">
            {profile.posts.map((post) => (
              <li key={post.id}>
                <Link href={`/posts/${post.id}`}>{post.title}</Link>{" "}
                <span className="hint">
                  {formatScore(post.score) ?? "no score yet"} · {formatRatingCount(post.ratingCount)} ·{" "}
                  <time dateTime={post.createdAt}>{formatDate(post.createdAt)}</time>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="panel" aria-labelledby="profile-ratings">
        <h2 id="profile-ratings">{own ? "My ratings" : "Ratings"}</h2>
        {profile.ratings === null ? (
          <p className="hint">{profile.name} keeps their ratings private.</p>
        ) : profile.ratings.length === 0 ? (
          <p className="hint">No ratings yet.</p>
        ) : (
          <ul className="profile-list">
            {profile.ratings.map((rating) => (
              <li key={rating.postId}>
                <Link href={`/posts/${rating.postId}`}>{rating.title}</Link>{" "}
                <span className="hint">
                  rated {rating.score} of 5 ·{" "}
                  <time dateTime={rating.ratedAt}>{formatDate(rating.ratedAt)}</time>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
