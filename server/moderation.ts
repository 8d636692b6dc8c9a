import { and, eq, isNull, sql } from "drizzle-orm";
import { isoTimestamp, rows, type Db } from "@/db/client";
import { posts } from "@/db/schema";
import { parseStoredState, summarize } from "./ratings/scoring/engine";

export type HeldPost = {
  id: number;
  title: string;
  ratingCount: number;
  score: number | null;
  scoreAllIncluded: number | null;
  heldCount: number;
  heldMean: number;
  heldSince: number;
  lastHeldAt: number;
  peakVolumeRatio: number;
  lockedAt: string | null;
};

/** Locks or unlocks a post; false when the post does not exist. */
export async function setPostLock(
  db: Db,
  postId: number,
  adminId: number,
  locked: boolean,
): Promise<boolean> {
  const changed = await db
    .update(posts)
    .set(
      locked
        ? // Locking a locked post keeps who locked it first, and when.
          {
            lockedAt: sql`coalesce(${posts.lockedAt}, now())`,
            lockedBy: sql`coalesce(${posts.lockedBy}, ${adminId})`,
          }
        : { lockedAt: null, lockedBy: null },
    )
    // A deleted post is gone for moderators too: 404, as for a post that never existed.
    .where(and(eq(posts.id, postId), isNull(posts.deletedAt)))
    .returning({ id: posts.id });
  return changed.length > 0;
}

/** Hides a post from everyone but moderators (or shows it again); false when the post does not exist. */
export async function setPostHidden(
  db: Db,
  postId: number,
  adminId: number,
  hidden: boolean,
): Promise<boolean> {
  const changed = await rows<{ id: number }>(
    db,
    hidden
      ? sql`update posts set hidden_at = coalesce(hidden_at, now()), hidden_by = coalesce(hidden_by, ${adminId})
            where id = ${postId} and deleted_at is null returning id`
      : sql`update posts set hidden_at = null, hidden_by = null where id = ${postId} and deleted_at is null returning id`,
  );
  return changed.length > 0;
}

/** Posts whose recent ratings the steady policy holds aside as bursts, most held first. */
export async function listHeldPosts(db: Db, limit = 50): Promise<HeldPost[]> {
  const found = await rows<{
    id: number;
    title: string;
    rating_count: number;
    score: number | null;
    score_state: string;
    locked_at: string | null;
  }>(
    db,
    sql`select id, title, rating_count, score, score_state,
               ${isoTimestamp(sql`locked_at`, "s")} as locked_at
        from posts where held_count > 0 order by held_count desc, id desc limit ${limit}`,
  );
  return found.flatMap((row) => {
    const summary = summarize(parseStoredState(row.score_state));
    if (!summary.steadiness) return [];
    return [
      {
        id: row.id,
        title: row.title,
        ratingCount: row.rating_count,
        score: row.score,
        scoreAllIncluded: summary.scoreAllIncluded,
        ...summary.steadiness,
        lockedAt: row.locked_at,
      },
    ];
  });
}

/** A locked post that holds no burst: listed apart, so a moderator can still find and unlock it. */
export type LockedPost = { id: number; title: string; ratingCount: number; lockedAt: string };

/** Locked posts with no ratings held aside (those with held ratings are in listHeldPosts), newest lock first. */
export async function listLockedPosts(db: Db, limit = 50): Promise<LockedPost[]> {
  const found = await rows<{ id: number; title: string; rating_count: number; locked_at: string }>(
    db,
    sql`select id, title, rating_count, ${isoTimestamp(sql`locked_at`, "s")} as locked_at
        from posts where locked_at is not null and held_count = 0 and deleted_at is null
        order by locked_at desc, id desc limit ${limit}`,
  );
  return found.map((row) => ({
    id: row.id,
    title: row.title,
    ratingCount: row.rating_count,
    lockedAt: row.locked_at,
  }));
}
