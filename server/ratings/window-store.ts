import { sql, type SQL } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import { parseStoredState, summarize, type EngineState } from "./scoring/engine";
import type { Histogram } from "./scoring/histogram";
import type { PolicyName, RatingWindow } from "./scoring/policy";
import {
  CHECKPOINT_SECONDS,
  checkpointStates,
  resumable,
  type ResumePoint,
  type ScoredPost,
} from "./scoring/windows";

/**
 * The one place that knows how rating windows and engine states are stored: the rating_windows
 * columns (c0…c5, the cross-post flagged x0…x5 and the checkpoint `state`) and the posts' score columns. Everything else works
 * on plain `RatingWindow`s and `EngineState`s (scoring/windows.ts).
 */

/** Posts with ids in [from, to). */
export type PostRange = { from: number; to: number };

/** The window start of a timestamp column, as SQL: the same arithmetic as `windowStart` in scoring/windows.ts. */
export function windowStartSql(column: SQL, windowSeconds: number): SQL {
  return sql`date_bin(make_interval(secs => ${windowSeconds}), ${column}, timestamptz 'epoch')`;
}

/**
 * c0…c5 of a GROUP BY over ratings: how many have each star in `scoreColumn`; with `flagColumn`,
 * x0…x5: how many of those carry the cross-post flag.
 */
function histogramOf(scoreColumn: SQL, flagColumn?: SQL): SQL {
  const flagged = flagColumn ? sql` and ${flagColumn}` : sql``;
  return sql.join(
    [0, 1, 2, 3, 4, 5].map(
      (s) => sql`count(*) filter (where ${scoreColumn} = ${sql.raw(String(s))}${flagged})::int`,
    ),
    sql`, `,
  );
}

/** SQL: the window row holds a checkpoint state (only these are ever resumed from). */
function isCheckpointRow(alias: string): SQL {
  const a = sql.raw(alias);
  return sql`(${a}.state is not null and extract(epoch from ${a}.window_start)::bigint % ${sql.raw(String(CHECKPOINT_SECONDS))} = 0)`;
}

type WindowRow = { post_id: number; start: number; c: Histogram; x: Histogram };

/** A window as stored: its flagged histogram only when some rating in it is flagged. */
function ratingWindow(start: number, c: Histogram, x: Histogram): RatingWindow {
  return x.some((n) => n !== 0) ? { start, counts: c, flagged: x } : { start, counts: c };
}

function byPost(found: readonly WindowRow[]): Map<number, RatingWindow[]> {
  const out = new Map<number, RatingWindow[]>();
  for (const row of found) {
    const list = out.get(row.post_id) ?? [];
    list.push(ratingWindow(Number(row.start), row.c, row.x));
    out.set(row.post_id, list);
  }
  return out;
}

/**
 * Moves up to `batchSize` changed ratings into rating_windows in one statement: −1 at the
 * (window, star) each row was last folded into, +1 at its current one, the row marked folded to
 * exactly the values read, the post's count and sum moved by the same deltas and its rescore_from
 * set to the first window changed. Windows left empty are deleted, so the table stays equal to a
 * GROUP BY over ratings. A cleared rating (score null) gets only its −1, is marked folded as
 * "counted nowhere", and is then deleted in the same transaction.
 */
export async function foldChangedRatings(
  tx: Db,
  batchSize: number,
  windowSeconds: number,
  /** Only ratings last changed before this moment (Unix seconds): the days before a site profile's day. */
  before: number | null = null,
): Promise<{ folded: number; windows: number; posts: number }> {
  const [result] = await rows<{
    folded: number;
    windows: number;
    posts: number;
    emptied: string | null;
    cleared: string | null;
  }>(
    tx,
    sql`with batch as (
          select post_id, user_id, score, updated_at, folded_score, folded_at, cross_post, folded_cross_post
          from ratings
          where (folded_at is distinct from updated_at or folded_score is distinct from score)
            and (${before}::float8 is null or updated_at < to_timestamp(${before}::float8))
          limit ${batchSize}
        ),
        moves as (
          select post_id, ${windowStartSql(sql`folded_at`, windowSeconds)} as ws, folded_score::int as s,
                 folded_cross_post as f, -1 as d
          from batch where folded_score is not null
          union all
          select post_id, ${windowStartSql(sql`updated_at`, windowSeconds)}, score::int, cross_post, 1 from batch
          where score is not null
        ),
        sums as (
          select post_id, ws,
                 coalesce(sum(d) filter (where s = 0), 0)::int as c0, coalesce(sum(d) filter (where s = 1), 0)::int as c1,
                 coalesce(sum(d) filter (where s = 2), 0)::int as c2, coalesce(sum(d) filter (where s = 3), 0)::int as c3,
                 coalesce(sum(d) filter (where s = 4), 0)::int as c4, coalesce(sum(d) filter (where s = 5), 0)::int as c5,
                 coalesce(sum(d) filter (where s = 0 and f), 0)::int as x0, coalesce(sum(d) filter (where s = 1 and f), 0)::int as x1,
                 coalesce(sum(d) filter (where s = 2 and f), 0)::int as x2, coalesce(sum(d) filter (where s = 3 and f), 0)::int as x3,
                 coalesce(sum(d) filter (where s = 4 and f), 0)::int as x4, coalesce(sum(d) filter (where s = 5 and f), 0)::int as x5,
                 sum(d)::int as dn, sum(d * s)::int as ds, bool_or(d < 0) as removes
          from moves group by post_id, ws
        ),
        changed as (
          select * from sums where c0 <> 0 or c1 <> 0 or c2 <> 0 or c3 <> 0 or c4 <> 0 or c5 <> 0
            or x0 <> 0 or x1 <> 0 or x2 <> 0 or x3 <> 0 or x4 <> 0 or x5 <> 0
        ),
        windows as (
          insert into rating_windows as w (post_id, window_start, c0, c1, c2, c3, c4, c5, x0, x1, x2, x3, x4, x5)
          select post_id, ws, c0, c1, c2, c3, c4, c5, x0, x1, x2, x3, x4, x5 from changed
          on conflict (post_id, window_start) do update
            set c0 = w.c0 + excluded.c0, c1 = w.c1 + excluded.c1, c2 = w.c2 + excluded.c2,
                c3 = w.c3 + excluded.c3, c4 = w.c4 + excluded.c4, c5 = w.c5 + excluded.c5,
                x0 = w.x0 + excluded.x0, x1 = w.x1 + excluded.x1, x2 = w.x2 + excluded.x2,
                x3 = w.x3 + excluded.x3, x4 = w.x4 + excluded.x4, x5 = w.x5 + excluded.x5
          returning 1
        ),
        marked as (
          update ratings r set folded_score = b.score, folded_at = b.updated_at, folded_cross_post = b.cross_post
          from batch b where r.post_id = b.post_id and r.user_id = b.user_id
          returning 1
        ),
        touched as (
          update posts p
          set rating_count = p.rating_count + t.dn,
              rating_sum = p.rating_sum + t.ds,
              rescore_from = least(coalesce(p.rescore_from, t.first_ws), t.first_ws)
          from (select post_id, sum(dn)::int as dn, sum(ds)::bigint as ds, min(ws) as first_ws from changed group by post_id) t
          where p.id = t.post_id
          returning 1
        )
        select (select count(*)::int from marked) as folded,
               (select count(*)::int from windows) as windows,
               (select count(*)::int from touched) as posts,
               (select json_agg(json_build_object('p', post_id, 'w', extract(epoch from ws)::bigint))::text
                  from changed where removes) as emptied,
               (select json_agg(json_build_object('p', post_id, 'u', user_id))::text
                  from batch where score is null) as cleared`,
  );
  if (result?.emptied) {
    await rows(
      tx,
      sql`delete from rating_windows w
          using jsonb_to_recordset(${result.emptied}::jsonb) as x(p int, w bigint)
          where w.post_id = x.p and w.window_start = to_timestamp(x.w)
            and w.c0 = 0 and w.c1 = 0 and w.c2 = 0 and w.c3 = 0 and w.c4 = 0 and w.c5 = 0`,
    );
  }
  if (result?.cleared) {
    // The cleared ratings are now counted nowhere. The re-check of score and folded_at skips a row
    // re-rated since the batch read it: that row stays, pending as a new rating.
    await rows(
      tx,
      sql`delete from ratings r
          using jsonb_to_recordset(${result.cleared}::jsonb) as x(p int, u int)
          where r.post_id = x.p and r.user_id = x.u
            and r.score is null and r.folded_score is null and r.folded_at = r.updated_at`,
    );
  }
  return { folded: result?.folded ?? 0, windows: result?.windows ?? 0, posts: result?.posts ?? 0 };
}

/**
 * Locks up to `limit` posts the fold marked for re-scoring (skipping ones another run holds), each
 * with the last checkpoint before its first changed window that `policy` can resume.
 */
export async function claimMarkedPosts(
  tx: Db,
  limit: number,
  policy: PolicyName,
): Promise<Map<number, ResumePoint>> {
  const marked = await rows<{ id: number; from_state: string | null; from_epoch: number | null }>(
    tx,
    sql`select p.id, c.state as from_state, extract(epoch from c.window_start)::float8 as from_epoch
        from posts p
        left join lateral (
          select w.window_start, w.state from rating_windows w
          where w.post_id = p.id and w.window_start < p.rescore_from and ${isCheckpointRow("w")}
          order by w.window_start desc limit 1
        ) c on true
        where p.rescore_from is not null
        order by p.id limit ${limit}
        for update of p skip locked`,
  );
  return new Map(
    marked.map((post) => {
      const state = resumable(post.from_state ? parseStoredState(post.from_state) : null, policy);
      return [post.id, state && post.from_epoch !== null ? { state, after: Number(post.from_epoch) } : null];
    }),
  );
}

/** Each post's windows after its resume point (all of them when it has none), in time order. */
export async function loadWindowsAfter(
  tx: Db,
  resume: ReadonlyMap<number, { after: number } | null>,
): Promise<Map<number, RatingWindow[]>> {
  const after = [...resume.entries()].map(([id, point]) => ({ id, after: point?.after ?? null }));
  const found = await rows<WindowRow>(
    tx,
    sql`select w.post_id, extract(epoch from w.window_start)::float8 as start, array[w.c0, w.c1, w.c2, w.c3, w.c4, w.c5] as c,
               array[w.x0, w.x1, w.x2, w.x3, w.x4, w.x5] as x
        from rating_windows w
        join jsonb_to_recordset(${JSON.stringify(after)}::jsonb) as x(id int, after float8)
          on w.post_id = x.id and (x.after is null or w.window_start > to_timestamp(x.after))
        order by w.post_id, w.window_start`,
  );
  return byPost(found);
}

/** The stored windows of posts in a range, in time order. */
export async function loadWindows(tx: Db, range: PostRange): Promise<Map<number, RatingWindow[]>> {
  const found = await rows<WindowRow>(
    tx,
    sql`select post_id, extract(epoch from window_start)::float8 as start, array[c0, c1, c2, c3, c4, c5] as c,
               array[x0, x1, x2, x3, x4, x5] as x
        from rating_windows where post_id >= ${range.from} and post_id < ${range.to}
        order by post_id, window_start`,
  );
  return byPost(found);
}

/**
 * The windows the ratings of a range should make, by a GROUP BY over the ratings alone: as each
 * row was last folded (`folded`) or as the rows are now (`current`).
 */
export async function windowsOfRatings(
  tx: Db,
  range: PostRange,
  as: "folded" | "current",
  windowSeconds: number,
): Promise<Map<number, RatingWindow[]>> {
  const [at, score, flag] =
    as === "folded"
      ? [sql`folded_at`, sql`folded_score`, sql`folded_cross_post`]
      : [sql`updated_at`, sql`score`, sql`cross_post`];
  const found = await rows<WindowRow>(
    tx,
    sql`select post_id, extract(epoch from ${windowStartSql(at, windowSeconds)})::float8 as start,
               array[${histogramOf(score)}] as c, array[${histogramOf(score, flag)}] as x
        from ratings where post_id >= ${range.from} and post_id < ${range.to} and ${score} is not null
        group by 1, 2 order by 1, 2`,
  );
  return byPost(found);
}

/**
 * Rewrites the windows of a range to match the ratings as they are now, in one statement (one
 * snapshot), and marks the rows folded to exactly the values that statement read.
 */
export async function repairWindows(
  tx: Db,
  range: PostRange,
  windowSeconds: number,
): Promise<{ repaired: number; remarked: number }> {
  const { from, to } = range;
  const [repair] = await rows<{ repaired: number; remarked: number }>(
    tx,
    sql`with truth(post_id, ws, c0, c1, c2, c3, c4, c5, x0, x1, x2, x3, x4, x5) as (
          select post_id, ${windowStartSql(sql`updated_at`, windowSeconds)} as ws, ${histogramOf(sql`score`)},
                 ${histogramOf(sql`score`, sql`cross_post`)}
          from ratings where post_id >= ${from} and post_id < ${to} and score is not null group by 1, 2
        ),
        stored as (
          select post_id, window_start as ws, c0, c1, c2, c3, c4, c5, x0, x1, x2, x3, x4, x5
          from rating_windows where post_id >= ${from} and post_id < ${to}
        ),
        diff as (
          select coalesce(t.post_id, s.post_id) as post_id, coalesce(t.ws, s.ws) as ws, t.post_id is null as gone,
                 t.c0, t.c1, t.c2, t.c3, t.c4, t.c5, t.x0, t.x1, t.x2, t.x3, t.x4, t.x5
          from truth t full join stored s on t.post_id = s.post_id and t.ws = s.ws
          where t.post_id is null or s.post_id is null
             or (t.c0, t.c1, t.c2, t.c3, t.c4, t.c5, t.x0, t.x1, t.x2, t.x3, t.x4, t.x5)
                is distinct from (s.c0, s.c1, s.c2, s.c3, s.c4, s.c5, s.x0, s.x1, s.x2, s.x3, s.x4, s.x5)
        ),
        upserted as (
          insert into rating_windows as w (post_id, window_start, c0, c1, c2, c3, c4, c5, x0, x1, x2, x3, x4, x5)
          select post_id, ws, c0, c1, c2, c3, c4, c5, x0, x1, x2, x3, x4, x5 from diff where not gone
          on conflict (post_id, window_start) do update
            set c0 = excluded.c0, c1 = excluded.c1, c2 = excluded.c2, c3 = excluded.c3, c4 = excluded.c4, c5 = excluded.c5,
                x0 = excluded.x0, x1 = excluded.x1, x2 = excluded.x2, x3 = excluded.x3, x4 = excluded.x4, x5 = excluded.x5
          returning 1
        ),
        deleted as (
          delete from rating_windows w using diff d
          where d.gone and w.post_id = d.post_id and w.window_start = d.ws
          returning 1
        ),
        remarked as (
          update ratings r set folded_score = s.score, folded_at = s.updated_at, folded_cross_post = s.cross_post
          from (select post_id, user_id, score, updated_at, cross_post from ratings
                where post_id >= ${from} and post_id < ${to}
                  and (folded_at is distinct from updated_at or folded_score is distinct from score
                       or folded_cross_post is distinct from cross_post)) s
          where r.post_id = s.post_id and r.user_id = s.user_id
          returning 1
        )
        select (select count(*)::int from upserted) + (select count(*)::int from deleted) as repaired,
               (select count(*)::int from remarked) as remarked`,
  );
  // Cleared ratings are now counted nowhere: delete them, as the fold does.
  await rows(
    tx,
    sql`delete from ratings where post_id >= ${from} and post_id < ${to} and score is null
          and folded_score is null and folded_at = updated_at`,
  );
  return { repaired: repair?.repaired ?? 0, remarked: repair?.remarked ?? 0 };
}

/** Writes the replayed checkpoint states and each post's score, state and folded totals. */
export async function saveScores(tx: Db, scored: readonly ScoredPost[]): Promise<void> {
  const windowStates = scored.flatMap((post) =>
    checkpointStates(post).map((w) => ({ p: post.postId, w: w.start, s: JSON.stringify(w.state) })),
  );
  if (windowStates.length) {
    await rows(
      tx,
      sql`update rating_windows w set state = x.s
          from jsonb_to_recordset(${JSON.stringify(windowStates)}::jsonb) as x(p int, w bigint, s text)
          where w.post_id = x.p and w.window_start = to_timestamp(x.w)`,
    );
  }
  const postRows = scored.map((post) => {
    const summary = summarize(post.final);
    return {
      p: post.postId,
      score: summary.score,
      state: summary.count === 0 ? null : JSON.stringify(post.final),
      n: summary.count,
      sum: summary.sum,
      held: summary.steadiness?.heldCount ?? 0,
    };
  });
  if (postRows.length) {
    await rows(
      tx,
      sql`update posts p set score = x.score, score_state = x.state, rating_count = x.n, rating_sum = x.sum,
                             held_count = x.held, rescore_from = null,
                             score_moved_at = case when p.score is distinct from x.score then now() else p.score_moved_at end
          from jsonb_to_recordset(${JSON.stringify(postRows)}::jsonb) as x(p int, score float8, state text, n int, sum bigint, held float8)
          where p.id = x.p`,
    );
  }
}

/**
 * A post's windows from `sinceEpoch` on, with the last checkpoint before it that `policy` can
 * resume (the windows returned are those after that checkpoint, so replaying them from it gives
 * every state in the range).
 */
export async function loadPostWindowsSince(
  db: Db,
  postId: number,
  sinceEpoch: number,
  policy: PolicyName,
): Promise<{ resume: EngineState | null; windows: RatingWindow[] }> {
  const found = await rows<{ start: number; c: Histogram; x: Histogram; state: string | null }>(
    db,
    sql`with checkpoint as (
          select w.window_start from rating_windows w
          where w.post_id = ${postId} and w.window_start < to_timestamp(${sinceEpoch}) and ${isCheckpointRow("w")}
          order by w.window_start desc limit 1
        )
        select extract(epoch from w.window_start)::float8 as start, array[c0, c1, c2, c3, c4, c5] as c,
               array[x0, x1, x2, x3, x4, x5] as x,
               case when w.window_start = (select window_start from checkpoint) then w.state end as state
        from rating_windows w
        where w.post_id = ${postId} and w.window_start >= coalesce((select window_start from checkpoint), '-infinity')
        order by w.window_start`,
  );
  const resume = resumable(found[0]?.state ? parseStoredState(found[0].state) : null, policy);
  const windows = (resume ? found.slice(1) : found).map((row) =>
    ratingWindow(Number(row.start), row.c, row.x),
  );
  return { resume, windows };
}
