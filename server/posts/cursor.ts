import { z } from "zod";

import { POST_SORTS, type PostSort } from "./sorts";

export { POST_SORTS, type PostSort };

/**
 * Keyset position after the last item of a page: the sort key of that item and its id.
 * newest: key is created_at in epoch microseconds (as a string, to keep Postgres precision);
 * top: key is the score (-1 for unrated); most_rated: key is the rating count.
 */
export type Cursor = { sort: PostSort; key: string; id: number };

const cursorShape = z.object({
  s: z.enum(POST_SORTS),
  k: z.string().max(40),
  i: z.int().min(1).max(2_147_483_647),
});

const MAX_INT4 = 2_147_483_647;

/**
 * Whether a key is one this server could have issued for the sort, so that Postgres can never fail
 * on it: a tampered key such as 1e400, 1e-400 or 99999999999999999999 would otherwise reach a cast
 * and answer 500 (22P02 / 22003 / 22008) instead of 400.
 */
function validKey(sort: PostSort, key: string): boolean {
  switch (sort) {
    case "newest":
      // Microseconds since 1970 as a whole number; 16 digits reach the year 2286.
      return /^\d{1,16}$/.test(key);
    case "top": {
      // A finite number as JavaScript prints it: 1e-400 (read as 0) is not "0", 1e400 is Infinity.
      const score = Number(key);
      return Number.isFinite(score) && String(score) === key;
    }
    case "most_rated":
      return /^\d{1,10}$/.test(key) && Number(key) <= MAX_INT4;
  }
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, k: cursor.key, i: cursor.id })).toString("base64url");
}

/** Returns null for anything that is not a cursor this server issued for the same sort. */
export function decodeCursor(raw: string, sort: PostSort): Cursor | null {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    if (!parsed.success || parsed.data.s !== sort || !validKey(sort, parsed.data.k)) return null;
    return { sort: parsed.data.s, key: parsed.data.k, id: parsed.data.i };
  } catch {
    return null;
  }
}
