import { sql, type SQL } from "drizzle-orm";
import { rows, type Db } from "@/db/client";
import type { EngineConfig } from "./config";
import { inSpan } from "@/server/telemetry/tracing";
import { lockEngine } from "./engine-lock";
import { initialState, parseStoredState, replay, summarize, type EngineState } from "./scoring/engine";
import type { Histogram } from "./scoring/histogram";
import type { RatingWindow } from "./scoring/policy";

type WindowRow = {
  post_id: number;
  start: number;
  c0: number;
  c1: number;
  c2: number;
  c3: number;
  c4: number;
  c5: number;
};

export function toRatingWindow(row: WindowRow): RatingWindow {
  return { start: Number(row.start), counts: [row.c0, row.c1, row.c2, row.c3, row.c4, row.c5] as Histogram };
}

export function parseState(text: string | null, config: EngineConfig): EngineState | null {
  if (!text) return null;
  const state = parseStoredState(text);
  // A state written under another policy cannot be resumed: the post is replayed from its first window.
  return state.policy === config.policy ? state : null;
}

/**
 * Engine states are kept only on windows that start on a whole hour (and in posts.score_state for
 * the last one): resuming then replays at most an hour of windows, while a busy post writes one
 * state an hour instead of one a window. Replay is deterministic, so where it resumes from never
 * changes the result.
 */
export const CHECKPOINT_SECONDS = 3600;

export function isCheckpoint(windowStart: number): boolean {
  return windowStart % CHECKPOINT_SECONDS === 0;
}

/** SQL: the window row holds a checkpoint state (only these are ever resumed from). */
export function checkpointState(alias: string): SQL {
  return sql.raw(
    `(${alias}.state is not null and extract(epoch from ${alias}.window_start)::bigint % ${CHECKPOINT_SECONDS} = 0)`,
  );
}

export type ScoredPost = {
  postId: number;
  windows: { start: number; state: EngineState }[];
  final: EngineState;
};

/** Replays each post's windows from a starting state. Pure: no I/O. */
export function scorePosts(
  starts: Map<number, EngineState>,
  windows: readonly WindowRow[],
  config: EngineConfig,
): ScoredPost[] {
  const byPost = new Map<number, RatingWindow[]>();
  for (const row of windows) {
    const list = byPost.get(row.post_id) ?? [];
    list.push(toRatingWindow(row));
    byPost.set(row.post_id, list);
  }
  return [...starts.entries()].map(([postId, start]) => {
    const list = byPost.get(postId) ?? [];
    const states = replay(start, list, config.windowSeconds);
    return {
      postId,
      windows: list.map((w, i) => ({ start: w.start, state: states[i]! })),
      final: states.at(-1) ?? start,
    };
  });
}

/** Writes the replayed checkpoint states and each post's score, state and folded totals. */
export async function saveScores(tx: Db, scored: readonly ScoredPost[]): Promise<void> {
  const windowStates = scored.flatMap((post) =>
    post.windows
      .filter((w) => isCheckpoint(w.start))
      .map((w) => ({ p: post.postId, w: w.start, s: JSON.stringify(w.state) })),
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
                             held_count = x.held, rescore_from = null
          from jsonb_to_recordset(${JSON.stringify(postRows)}::jsonb) as x(p int, score float8, state text, n int, sum bigint, held float8)
          where p.id = x.p`,
    );
  }
}

const windowColumns = sql`w.post_id, extract(epoch from w.window_start)::float8 as start, w.c0, w.c1, w.c2, w.c3, w.c4, w.c5`;

/**
 * Re-scores up to `limit` posts marked by the fold, in one transaction: each from the checkpoint
 * state stored before its first changed window (or from scratch), replaying every window after it.
 */
async function rescoreChunk(db: Db, config: EngineConfig, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    await lockEngine(tx);
    const marked = await rows<{ id: number; from_state: string | null; from_epoch: number | null }>(
      tx,
      sql`select p.id, c.state as from_state, extract(epoch from c.window_start)::float8 as from_epoch
          from posts p
          left join lateral (
            select w.window_start, w.state from rating_windows w
            where w.post_id = p.id and w.window_start < p.rescore_from and ${checkpointState("w")}
            order by w.window_start desc limit 1
          ) c on true
          where p.rescore_from is not null
          order by p.id limit ${limit}
          for update of p skip locked`,
    );
    if (marked.length === 0) return 0;
    const starts = new Map<number, EngineState>();
    const after = marked.map((post) => {
      const state = parseState(post.from_state, config);
      starts.set(post.id, state ?? initialState(config.policy));
      // Replay every window after the checkpoint, or all of them when there is none to resume.
      return { id: post.id, after: state && post.from_epoch !== null ? post.from_epoch : null };
    });
    const windows = await rows<WindowRow>(
      tx,
      sql`select ${windowColumns} from rating_windows w
          join jsonb_to_recordset(${JSON.stringify(after)}::jsonb) as x(id int, after float8)
            on w.post_id = x.id and (x.after is null or w.window_start > to_timestamp(x.after))
          order by w.post_id, w.window_start`,
    );
    await saveScores(tx, scorePosts(starts, windows, config));
    return marked.length;
  });
}

export async function rescorePending(
  db: Db,
  config: EngineConfig,
  options: { chunkSize?: number; onProgress?: (message: string) => void } = {},
): Promise<number> {
  return inSpan("rescore", { "steadystar.policy": config.policy }, async (span) => {
    let total = 0;
    for (;;) {
      const n = await rescoreChunk(db, config, options.chunkSize ?? 500);
      if (n === 0) break;
      total += n;
      options.onProgress?.(`re-scored ${total} posts`);
    }
    span?.setAttribute("steadystar.rescore.posts", total);
    return total;
  });
}
