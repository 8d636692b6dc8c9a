import { z } from "zod";

export const POST_SORTS = ["newest", "top", "most_rated"] as const;
export type PostSort = (typeof POST_SORTS)[number];

/**
 * Keyset position after the last item of a page: the sort key of that item and its id.
 * newest: key is created_at in epoch microseconds (as a string, to keep Postgres precision);
 * top: key is the score (-1 for unrated); most_rated: key is the rating count.
 */
export type Cursor = { sort: PostSort; key: string; id: number };

const cursorShape = z.object({
  s: z.enum(POST_SORTS),
  k: z
    .string()
    .regex(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i)
    .max(40),
  i: z.int().min(1).max(2_147_483_647),
});

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, k: cursor.key, i: cursor.id })).toString("base64url");
}

/** Returns null for anything that is not a cursor this server issued for the same sort. */
export function decodeCursor(raw: string, sort: PostSort): Cursor | null {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    if (!parsed.success || parsed.data.s !== sort) return null;
    return { sort: parsed.data.s, key: parsed.data.k, id: parsed.data.i };
  } catch {
    return null;
  }
}
