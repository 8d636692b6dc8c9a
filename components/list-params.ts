import { POST_SORTS, type PostSort } from "@/server/posts/sorts";

/** Shared by the server prefetch and the client list, so both ask for the very same query. */
export const PAGE_SIZE = 20;

export type ListParams = { sort: PostSort; q?: string };

type RawParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Sort and search from the URL; anything unknown falls back to the default view. */
export function parseListParams(params: RawParams): ListParams {
  const requested = first(params.sort);
  const sort = POST_SORTS.find((s) => s === requested) ?? "newest";
  const q = first(params.q)?.trim().slice(0, 200) || undefined;
  return { sort, q };
}
