import { initialState, replay, type EngineState } from "./engine";
import type { PolicyName, RatingWindow } from "./policy";

/**
 * Rating windows without storage: which window a moment falls in, which windows keep a resumable
 * state (checkpoints), and replaying windows into scores. The fold, re-scoring, the nightly
 * correction, post history and the simulator behind `npm run replay` all use these, so they agree.
 */

/** The UTC-aligned start (Unix seconds) of the window holding `epochSeconds`. */
export function windowStart(epochSeconds: number, windowSeconds: number): number {
  return Math.floor(epochSeconds / windowSeconds) * windowSeconds;
}

/** The same for an ISO timestamp, as ISO text. */
export function windowStartIso(iso: string, windowSeconds: number): string {
  return new Date(windowStart(Date.parse(iso) / 1000, windowSeconds) * 1000).toISOString();
}

/**
 * Engine states are kept only on windows that start on a whole hour (and on the post for the last
 * one): resuming then replays at most an hour of windows, while a busy post writes one state an
 * hour instead of one a window. Replay is deterministic, so where it resumes from never changes
 * the result.
 */
export const CHECKPOINT_SECONDS = 3600;

export function isCheckpoint(windowStart: number): boolean {
  return windowStart % CHECKPOINT_SECONDS === 0;
}

/** A stored state can be resumed only under the policy that wrote it; otherwise replay from scratch. */
export function resumable(state: EngineState | null, policy: PolicyName): EngineState | null {
  return state && state.policy === policy ? state : null;
}

/** Where a post's replay starts: a checkpoint state and the start of its window, or nothing (from scratch). */
export type ResumePoint = { state: EngineState; after: number } | null;

export type ScoredPost = {
  postId: number;
  windows: { start: number; state: EngineState }[];
  final: EngineState;
};

/**
 * Replays each post's windows (in time order) from its starting state, or from the policy's
 * initial state for a post without one.
 */
export function scorePosts(
  postIds: readonly number[],
  starts: ReadonlyMap<number, EngineState>,
  windows: ReadonlyMap<number, readonly RatingWindow[]>,
  policy: PolicyName,
  windowSeconds: number,
): ScoredPost[] {
  return postIds.map((postId) => {
    const start = starts.get(postId) ?? initialState(policy);
    const list = windows.get(postId) ?? [];
    const states = replay(start, list, windowSeconds);
    return {
      postId,
      windows: list.map((w, i) => ({ start: w.start, state: states[i]! })),
      final: states.at(-1) ?? start,
    };
  });
}

/** The states worth storing: those on checkpoint windows. */
export function checkpointStates(post: ScoredPost): { start: number; state: EngineState }[] {
  return post.windows.filter((w) => isCheckpoint(w.start));
}
