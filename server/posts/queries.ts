import { sql, type SQL } from "drizzle-orm";
import { isoTimestamp, rows, type Db } from "@/db/client";
import { intArrayParam, listParam, preparedQuery, preparedVariants } from "@/db/prepared";
import { posts } from "@/db/schema";
import { DomainError } from "@/server/errors";
import { analyzeText, makeExcerpt, type TextAnalysis } from "./analysis";
import { decodeCursor, encodeCursor, type PostSort } from "./cursor";
import { cachedPage } from "./page-cache";
import { titleSearchQuery } from "./search";
import { liveRaters } from "@/server/ratings/live-count";
import { parseStoredState, summarize } from "@/server/ratings/scoring/engine";
import { emptyHistogram, type Histogram } from "@/server/ratings/scoring/histogram";
import type { Steadiness } from "@/server/ratings/scoring/policy";
import { RANKING_PRIOR } from "@/server/ratings/scoring/ranking";

export type PostSummary = {
  id: number;
  title: string;
  excerpt: string;
  author: { id: number; name: string };
  createdAt: string;
  ratingCount: number;
  score: number | null;
  /** What the "top" sort ranks by: the score shrunk toward a prior for few ratings (rankingScore). */
  rank: number;
  myRating: number | null;
  /** Locked by a moderator: ratings are refused, the score stays. */
  locked: boolean;
  /** Some recent ratings are held aside from the score (the post page explains why). */
  held: boolean;
  /** Hidden by a moderator (only moderators see such a post at all). */
  hidden: boolean;
  /** When the author last edited it (null: never). */
  editedAt: string | null;
  /** When the displayed score last changed (null: never computed). */
  scoreMovedAt: string | null;
  analysis: TextAnalysis;
};

export type PostDetail = PostSummary & {
  content: string;
  /** How many ratings of each star value (0–5) the score is built from. */
  histogram: Histogram;
  /** Displayed score with every rating at full weight, for the "include all ratings" view. */
  scoreAllIncluded: number | null;
  /** Present when recent ratings are being counted at reduced weight. */
  steadiness: Steadiness | null;
};

export type PostPage = { items: PostSummary[]; nextCursor: string | null };

type PostRow = {
  id: number;
  title: string;
  excerpt: string;
  content?: string;
  author_id: number;
  author_name: string;
  created_at: string;
  created_us: string;
  rating_count: number;
  live_count: number;
  score: number | null;
  rank: number;
  score_state?: string | null;
  my_rating: number | null;
  locked: boolean;
  held: boolean;
  hidden: boolean;
  edited_at: string | null;
  score_moved_at: string | null;
  word_count: number;
  avg_word_length: number;
};

function toSummary(row: PostRow): PostSummary {
  return {
    id: row.id,
    title: row.title,
    excerpt: row.excerpt,
    author: { id: row.author_id, name: row.author_name },
    createdAt: row.created_at,
    // Live: folded ratings plus new ones the next fold will count; the score moves at that fold.
    ratingCount: row.live_count,
    score: row.score,
    rank: row.rank,
    myRating: row.my_rating,
    locked: row.locked,
    held: row.held,
    hidden: row.hidden,
    editedAt: row.edited_at,
    scoreMovedAt: row.score_moved_at,
    analysis: { wordCount: row.word_count, avgWordLength: row.avg_word_length },
  };
}

// The viewer's own rating as a scalar subquery: on PGlite a LEFT JOIN here was planned as a
// full scan of ratings, the subquery is one primary-key probe per row of the page.
// `viewerId` is null for an anonymous viewer (a statement variant of its own), else the value to bind.
function postColumns(viewerId: unknown): SQL {
  const myRating =
    viewerId === null
      ? sql`null::int`
      : sql`(select r.score::int from ratings r where r.post_id = p.id and r.user_id = ${viewerId})`;
  return sql`p.id, p.title, p.excerpt, p.author_id, u.name as author_name,
    ${isoTimestamp(sql`p.created_at`, "ms")} as created_at,
    ((extract(epoch from p.created_at) * 1000000)::bigint)::text as created_us,
    ${liveRaters(sql`p.id`)} as live_count,
    p.rating_count, p.score, ${RANK} as rank, ${myRating} as my_rating, p.locked_at is not null as locked, p.held_count >= 0.5 as held, p.word_count, p.avg_word_length,
    p.hidden_at is not null as hidden, ${isoTimestamp(sql`p.updated_at`, "ms")} as edited_at,
    ${isoTimestamp(sql`p.score_moved_at`, "ms")} as score_moved_at`;
}

/** SQL: the post is shown: not deleted, and not hidden unless the viewer moderates. */
function visible(includeHidden: boolean): SQL {
  return includeHidden ? sql`p.deleted_at is null` : sql`p.deleted_at is null and p.hidden_at is null`;
}

// rankingScore in SQL: the "top" sort orders and pages by exactly this value.
const RANK = sql`coalesce((${RANKING_PRIOR.weight}::float8 * ${RANKING_PRIOR.mean} + p.score * p.rating_count) / (${RANKING_PRIOR.weight} + p.rating_count), -1)`;

const ORDER: Record<PostSort, SQL> = {
  newest: sql`p.created_at desc, p.id desc`,
  top: sql`${RANK} desc, p.id desc`,
  most_rated: sql`p.rating_count desc, p.id desc`,
};

function keysetAfter(sort: PostSort, key: unknown, id: unknown): SQL {
  switch (sort) {
    case "newest":
      return sql`(p.created_at, p.id) < (timestamptz 'epoch' + ${key}::bigint * interval '1 microsecond', ${id})`;
    case "top":
      return sql`(${RANK}, p.id) < (${key}::float8, ${id})`;
    case "most_rated":
      return sql`(p.rating_count, p.id) < (${key}::int, ${id})`;
  }
}

function sortKey(sort: PostSort, row: PostRow): string {
  switch (sort) {
    case "newest":
      return row.created_us;
    case "top":
      return String(row.rank);
    case "most_rated":
      return String(row.rating_count);
  }
}

export type ListPostsInput = {
  viewerId: number | null;
  limit: number;
  sort: PostSort;
  cursor?: string | null;
  q?: string | null;
};

type ListVariant = `${PostSort}|${"cursor" | "first"}|${"search" | "all"}`;
type ListValues = { cursorKey: string | null; cursorId: number | null; query: string | null; fetch: number };

/** The page query as an anonymous visitor sees it: one prepared text per sort order × cursor × search. */
const LIST = preparedVariants<ListVariant, ListValues>(
  ["cursorKey", "cursorId", "query", "fetch"],
  (variant, p) => {
    const [sort, cursor, search] = variant.split("|") as [PostSort, string, string];
    const conditions: SQL[] = [visible(false)];
    if (cursor === "cursor") conditions.push(keysetAfter(sort, p.cursorKey, p.cursorId));
    // The same expression as posts_title_search_idx, so the planner uses it.
    if (search === "search")
      conditions.push(sql`to_tsvector('simple', p.title) @@ to_tsquery('simple', ${p.query})`);
    return sql`select ${postColumns(null)}
        from posts p join users u on u.id = p.author_id
        where ${sql.join(conditions, sql` and `)}
        order by ${ORDER[sort]}
        limit ${p.fetch}`;
  },
);

/**
 * What a signed-in viewer sees of a page's posts besides what everyone sees: their own rating, and
 * the live count as of now, so a rating they just gave is counted on the page they load next. One
 * primary-key probe and at most eight count rows per post.
 */
const VIEWER_ROWS = preparedQuery<{ viewerId: number; ids: string }>(
  ["viewerId", "ids"],
  (p) => sql`select i.id, ${liveRaters(sql`i.id`)} as live_count,
      (select r.score::int from ratings r where r.post_id = i.id and r.user_id = ${p.viewerId}) as my_rating
    from unnest(${listParam(p.ids, "int")}) as i(id)`,
);

async function anonymousPage(
  db: Db,
  sort: PostSort,
  limit: number,
  cursor: { key: string; id: number } | null,
  query: string | null,
): Promise<PostPage> {
  const variant: ListVariant = `${sort}|${cursor ? "cursor" : "first"}|${query ? "search" : "all"}`;
  const values: ListValues = {
    cursorKey: cursor?.key ?? null,
    cursorId: cursor?.id ?? null,
    query,
    fetch: limit + 1,
  };
  return cachedPage(db, `${variant}|${JSON.stringify(values)}`, async () => {
    const found = await LIST(variant).rows<PostRow>(db, values);
    const page = found.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      found.length > limit && last ? encodeCursor({ sort, key: sortKey(sort, last), id: last.id }) : null;
    return { items: page.map(toSummary), nextCursor };
  });
}

export async function listPosts(db: Db, input: ListPostsInput): Promise<PostPage> {
  let cursor: { key: string; id: number } | null = null;
  if (input.cursor) {
    cursor = decodeCursor(input.cursor, input.sort);
    if (!cursor)
      throw new DomainError("INVALID", "cursor is not a valid page cursor for this sort order", {
        field: "cursor",
      });
  }
  let query: string | null = null;
  if (input.q?.trim()) {
    query = titleSearchQuery(input.q);
    // Only punctuation: nothing can match it, and the index has no entry to look up.
    if (!query) return { items: [], nextCursor: null };
  }
  const page = await anonymousPage(db, input.sort, input.limit, cursor, query);
  if (input.viewerId === null || page.items.length === 0) return page;
  const own = new Map(
    (
      await VIEWER_ROWS.rows<{ id: number; live_count: number; my_rating: number | null }>(db, {
        viewerId: input.viewerId,
        ids: intArrayParam(page.items.map((post) => post.id)),
      })
    ).map((row) => [row.id, row]),
  );
  return {
    items: page.items.map((post) => {
      const row = own.get(post.id);
      return row ? { ...post, ratingCount: row.live_count, myRating: row.my_rating } : post;
    }),
    nextCursor: page.nextCursor,
  };
}

/** One post: one prepared text per signed-in viewer × moderator view (hidden posts shown). */
const BY_ID = preparedVariants<
  `${"viewer" | "anonymous"}|${"hidden" | "visible"}`,
  { id: number; viewerId: number | null }
>(["id", "viewerId"], (variant, p) => {
  const [viewer, hidden] = variant.split("|");
  return sql`select ${postColumns(viewer === "viewer" ? p.viewerId : null)}, p.content, p.score_state
        from posts p join users u on u.id = p.author_id
        where p.id = ${p.id} and ${visible(hidden === "hidden")}`;
});

export async function getPost(
  db: Db,
  id: number,
  viewerId: number | null,
  includeHidden = false,
): Promise<PostDetail | null> {
  const [row] = await BY_ID(
    `${viewerId === null ? "anonymous" : "viewer"}|${includeHidden ? "hidden" : "visible"}`,
  ).rows<PostRow>(db, { id, viewerId });
  if (!row) return null;
  const summary = row.score_state ? summarize(parseStoredState(row.score_state)) : null;
  return {
    ...toSummary(row),
    content: row.content ?? "",
    histogram: summary?.histogram ?? emptyHistogram(),
    scoreAllIncluded: summary?.scoreAllIncluded ?? null,
    steadiness: summary?.steadiness ?? null,
  };
}

export async function postExists(db: Db, id: number): Promise<boolean> {
  return (await rows(db, sql`select 1 from posts p where p.id = ${id} and ${visible(true)}`)).length > 0;
}

export type NewPost = { authorId: number; title: string; content: string };

/** Everything stored for a new post besides its id and aggregates. */
export type PostRecord = NewPost & { excerpt: string } & TextAnalysis;

export function buildPostRecord(input: NewPost): PostRecord {
  return { ...input, excerpt: makeExcerpt(input.content), ...analyzeText(input.content) };
}

export async function createPost(db: Db, input: NewPost): Promise<PostDetail> {
  const post = buildPostRecord(input);
  const [created] = await db.insert(posts).values(post).returning({ id: posts.id });
  const stored = created && (await getPost(db, created.id, input.authorId));
  if (!stored) throw new Error("post vanished right after it was created");
  return stored;
}
