// The list's sort names, alone in a module without zod: the browser bundle of the list page
// imports them, and a module that builds a zod schema at load time pulls all of zod in with it.
export const POST_SORTS = ["newest", "top", "most_rated"] as const;
export type PostSort = (typeof POST_SORTS)[number];
