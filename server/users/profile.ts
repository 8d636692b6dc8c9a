import { sql } from "drizzle-orm";
import { isoTimestamp, rows, type Db } from "@/db/client";

export type ProfilePost = {
  id: number;
  title: string;
  createdAt: string;
  score: number | null;
  ratingCount: number;
};
export type ProfileRating = { postId: number; title: string; score: number; ratedAt: string };

export type Profile = {
  id: number;
  name: string;
  joinedAt: string;
  ratingsPublic: boolean;
  posts: ProfilePost[];
  /** Null when the person keeps their ratings private and the viewer is someone else. */
  ratings: ProfileRating[] | null;
};

const LIMIT = 100;

/** A person's public page: their posts and, if they chose to show them (or it is their own), their ratings. */
export async function getProfile(db: Db, userId: number, viewerId: number | null): Promise<Profile | null> {
  const [user] = await rows<{ id: number; name: string; joined_at: string; ratings_public: boolean }>(
    db,
    sql`select id, name, ${isoTimestamp(sql`created_at`)} as joined_at, ratings_public from users where id = ${userId}`,
  );
  if (!user) return null;
  const posts = await rows<{
    id: number;
    title: string;
    created_at: string;
    score: number | null;
    rating_count: number;
  }>(
    db,
    sql`select id, title, ${isoTimestamp(sql`created_at`)} as created_at, score, rating_count from posts
        where author_id = ${userId} and deleted_at is null and hidden_at is null
        order by created_at desc, id desc limit ${LIMIT}`,
  );
  const showRatings = user.ratings_public || viewerId === userId;
  const ratings = showRatings
    ? await rows<{ post_id: number; title: string; score: number; rated_at: string }>(
        db,
        sql`select r.post_id, p.title, r.score::int as score, ${isoTimestamp(sql`r.updated_at`)} as rated_at
            from ratings r join posts p on p.id = r.post_id
            where r.user_id = ${userId} and r.score is not null and p.deleted_at is null and p.hidden_at is null
            order by r.updated_at desc limit ${LIMIT}`,
      )
    : null;
  return {
    id: user.id,
    name: user.name,
    joinedAt: user.joined_at,
    ratingsPublic: user.ratings_public,
    posts: posts.map((p) => ({
      id: p.id,
      title: p.title,
      createdAt: p.created_at,
      score: p.score,
      ratingCount: p.rating_count,
    })),
    ratings:
      ratings?.map((r) => ({ postId: r.post_id, title: r.title, score: r.score, ratedAt: r.rated_at })) ??
      null,
  };
}

/** The person chooses whether their ratings show on their public profile. */
export async function setRatingsPublic(db: Db, userId: number, ratingsPublic: boolean): Promise<void> {
  await rows(db, sql`update users set ratings_public = ${ratingsPublic} where id = ${userId}`);
}
