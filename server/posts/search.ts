// Title search as Postgres full-text search: a GIN index over the title's words
// (db/migrations/0004_title_search.sql) answers a query without reading the table, so a search
// that matches nothing costs the same at a million posts as at a hundred. The configuration is
// 'simple': lower-cased words, no stemming or stop words, so it suits titles in any language.

/** A query's words beyond this are ignored: each one is another index lookup. */
export const MAX_SEARCH_WORDS = 8;

/** The last word is matched as a prefix (search as you type) once it has this many characters. */
export const MIN_PREFIX_LENGTH = 2;

/**
 * The tsquery for what someone typed in the search box, or null when it has no word to look for.
 * Every word must occur in the title, in any order ("steady storm" finds "Storm, then steady");
 * the last one may be the start of a word still being typed, unless the text ends with a space.
 * Punctuation separates words and is never an operator, so any input gives a valid query.
 */
export function titleSearchQuery(typed: string): string | null {
  const words = (typed.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_SEARCH_WORDS);
  const last = words.length - 1;
  if (last < 0) return null;
  const stillTyping = !/\s$/u.test(typed) && [...(words[last] ?? "")].length >= MIN_PREFIX_LENGTH;
  return words.map((word, i) => `'${word}'${i === last && stillTyping ? ":*" : ""}`).join(" & ");
}
