// Title search at a million posts. `fillPosts` grows the bench database to that many posts with
// titles drawn from a large vocabulary (so the GIN index has as many distinct words as a real site),
// dated before every other post so the rest of the bench sees the same first pages. The no-match
// queries name a real, common word and one that never occurs, typed as a prefix: the index must
// answer "none" without walking the posts. `npm run bench:search` measures only this, without a
// server; `npm run bench` also sends the same searches over HTTP.
import type { Sql } from "postgres";

export const SEARCH_POSTS = 1_000_000;

/** A search that matches no title: a common word and a word that occurs nowhere, still being typed. */
export function noMatchQuery(i: number): string {
  return `steady qx${i.toString(36)}zv`;
}

/** Adds posts until there are `total`; returns how many were added. */
export async function fillPosts(sql: Sql, total = SEARCH_POSTS): Promise<number> {
  const [state] = await sql<{ count: number; author: number | null; oldest: Date }[]>`
    select (select count(*)::int from posts) as count, (select min(id) from users) as author,
           coalesce((select min(created_at) from posts), now()) as oldest`;
  if (!state?.author) throw new Error("the bench database has no user to author the posts");
  const { count, author, oldest } = state;
  const missing = total - count;
  const chunk = 100_000;
  for (let done = 0; done < missing; done += chunk) {
    const n = Math.min(chunk, missing - done);
    // 20,000 synthetic words plus the seed's everyday ones; 3–8 words a title.
    await sql`
      insert into posts (author_id, title, content, excerpt, word_count, avg_word_length, created_at)
      select ${author}, t.title, 'A post for the search benchmark.', 'A post for the search benchmark.', 6, 4.5,
             ${oldest}::timestamptz - (${done} + g) * interval '1 second'
      from generate_series(1, ${n}) g
      cross join lateral (
        select string_agg(
                 case when random() < 0.3
                      then (array['star','steady','signal','noise','crowd','storm','river','garden','light','story'])[1 + floor(random() * 10)::int]
                      else 'w' || floor(random() * 20000)::int::text end,
                 ' ') as title
        from generate_series(1, 3 + (g % 6)) w
      ) t`;
  }
  await sql`vacuum analyze posts`;
  return Math.max(0, missing);
}
