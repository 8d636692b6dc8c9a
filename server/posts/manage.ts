import { sql } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { removeRatingsOf } from "@/server/ratings/removal";
import { analyzeText, makeExcerpt } from "./analysis";

/** What happened to an author's change of a post: done, no such (visible) post, or not theirs. */
export type OwnPostChange = "done" | "not-found" | "not-author";

async function ownership(db: Db, postId: number, userId: number): Promise<OwnPostChange> {
  const [post] = await rows<{ author_id: number }>(
    db,
    sql`select author_id from posts where id = ${postId} and deleted_at is null`,
  );
  if (!post) return "not-found";
  return post.author_id === userId ? "done" : "not-author";
}

/** The author edits their post's title and content (its excerpt and analysis follow). */
export async function updatePost(
  db: Db,
  input: { postId: number; userId: number; title: string; content: string },
): Promise<OwnPostChange> {
  const allowed = await ownership(db, input.postId, input.userId);
  if (allowed !== "done") return allowed;
  const { wordCount, avgWordLength } = analyzeText(input.content);
  const updated = await rows(
    db,
    sql`update posts set title = ${input.title}, content = ${input.content}, excerpt = ${makeExcerpt(input.content)},
          word_count = ${wordCount}, avg_word_length = ${avgWordLength}, updated_at = now()
        where id = ${input.postId} and author_id = ${input.userId} and deleted_at is null returning 1`,
  );
  return updated.length ? "done" : "not-found";
}

/**
 * The author deletes their post: it leaves every page at once, and its ratings are removed in the
 * same transaction, so the fold takes them out of every aggregate exactly once.
 */
export async function deletePost(db: Db, input: { postId: number; userId: number }): Promise<OwnPostChange> {
  const allowed = await ownership(db, input.postId, input.userId);
  if (allowed !== "done") return allowed;
  return db.transaction(async (tx) => {
    const deleted = await rows(
      tx,
      sql`update posts set deleted_at = now()
          where id = ${input.postId} and author_id = ${input.userId} and deleted_at is null returning 1`,
    );
    if (!deleted.length) return "not-found";
    await removeRatingsOf(tx, { postId: input.postId });
    return "done";
  });
}
