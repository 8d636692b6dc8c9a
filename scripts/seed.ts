// Demo data, set-based: `npm run db:seed -- --users 1000 --posts 1000 --ratings 100000 [--hot N] [--bomb N]`.
// Uses DATABASE_URL, or the embedded PGlite directory when it is unset (stop `npm run dev` first).
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { hashPassword } from "@/server/users/accounts";
import { buildPostRecord } from "@/server/posts/queries";
import { openConfiguredDb } from "@/server/runtime";
import { serverConfig } from "@/server/env";
import { runFold } from "@/server/ratings/fold";
import { rows, type Db } from "@/db/client";
import { runCli } from "./run-cli";

const WORDS =
  "star steady signal noise crowd opinion window score rating honest careful quiet storm river mountain garden city light shadow story reason measure simple patient bright distant ordinary curious gentle".split(
    " ",
  );
export const DEMO_PASSWORD = "steadystar-demo";

function sentence(seed: number, length: number): string {
  const words: string[] = [];
  for (let i = 0; i < length; i++)
    words.push(WORDS[(seed * 31 + i * 17 + ((seed >> 3) ^ i)) % WORDS.length]!);
  const text = words.join(" ");
  return `${text[0]!.toUpperCase()}${text.slice(1)}.`;
}

async function seedUsers(db: Db, count: number, tag: string): Promise<void> {
  const hash = await hashPassword(DEMO_PASSWORD);
  await rows(
    db,
    sql`insert into users (email, name, password_hash)
        select 'demo' || g || '-' || ${tag} || '@steadystar.test', 'Demo user ' || g, ${hash}
        from generate_series(1, ${count}) g
        on conflict (email) do nothing`,
  );
}

async function seedPosts(db: Db, count: number, tag: string): Promise<void> {
  const [{ ids } = { ids: [] }] = await rows<{ ids: number[] }>(
    db,
    sql`select coalesce(array_agg(id order by id), '{}') as ids from users where email like ${`demo%-${tag}@steadystar.test`}`,
  );
  const batch = 1000;
  for (let start = 0; start < count; start += batch) {
    const records = Array.from({ length: Math.min(batch, count - start) }, (_, k) => {
      const i = start + k;
      const paragraphs = Array.from({ length: 1 + (i % 4) }, (_, p) =>
        sentence(i + p * 7, 12 + ((i + p) % 40)),
      );
      const post = buildPostRecord({
        authorId: ids[i % ids.length]!,
        title: sentence(i, 3 + (i % 6)).slice(0, -1),
        content: paragraphs.join("\n\n"),
      });
      return { ...post, ord: i };
    });
    // One statement a batch; oldest first, so ids and creation times rise together over 30 days.
    await rows(
      db,
      sql`insert into posts (author_id, title, content, excerpt, word_count, avg_word_length, created_at)
          select x."authorId", x.title, x.content, x.excerpt, x."wordCount", x."avgWordLength",
                 now() - interval '30 days' * (1 - x.ord::float8 / ${count})
          from jsonb_to_recordset(${JSON.stringify(records)}::jsonb)
               as x("authorId" int, title text, content text, excerpt text, "wordCount" int, "avgWordLength" float8, ord int)
          order by x.ord`,
    );
  }
}

/** Rating i goes to post i mod P from user (i div P) mod U, so no pair repeats while i < P·U. */
async function seedRatings(db: Db, count: number, tag: string): Promise<void> {
  await rows(
    db,
    sql`with u as (select id, (row_number() over (order by id) - 1)::int as n from users where email like ${`demo%-${tag}@steadystar.test`}),
             p as (select id, (row_number() over (order by id) - 1)::int as n from posts),
             sizes as (select (select count(*) from u)::int as nu, (select count(*) from p)::int as np)
        insert into ratings (post_id, user_id, score, created_at, updated_at)
        select p.id, u.id,
               least(5, greatest(0, round(1 + (p.id * 7919 % 400) / 100.0 + (random() - 0.5) * 3)))::smallint,
               ts, ts
        from sizes, generate_series(0, ${count} - 1) g
        join p on p.n = g % (select np from sizes)
        join u on u.n = (g / (select np from sizes)) % (select nu from sizes)
        -- The reference to g makes the lateral subquery run per row: one random time each.
        cross join lateral (select now() - random() * interval '7 days' + (g * 0) * interval '1 second' as ts) t
        on conflict (post_id, user_id) do nothing`,
  );
}

/** N ratings on the oldest post, from the first N demo users: one post with very many raters. */
async function seedHotPost(db: Db, count: number, tag: string): Promise<void> {
  await rows(
    db,
    sql`insert into ratings (post_id, user_id, score, created_at, updated_at)
        select (select min(id) from posts), u.id,
               least(5, greatest(0, round(3.6 + (random() - 0.5) * 3)))::smallint, ts, ts
        from (select id from users where email like ${`demo%-${tag}@steadystar.test`} order by id limit ${count}) u
        cross join lateral (select now() - random() * interval '7 days' + (u.id * 0) * interval '1 second' as ts) t
        on conflict (post_id, user_id) do nothing`,
  );
}

/** A burst of zeros on the newest post from fresh accounts, so the steady score has something to hold. */
async function seedBomb(db: Db, count: number, tag: string): Promise<void> {
  await rows(
    db,
    sql`with bombers as (
          insert into users (email, name, password_hash)
          select 'bomber' || g || '-' || ${tag} || '@steadystar.test', 'Bomber ' || g, 'no-sign-in'
          from generate_series(1, ${count}) g
          returning id
        )
        insert into ratings (post_id, user_id, score, created_at, updated_at)
        select (select max(id) from posts), id, 0, now(), now() from bombers`,
  );
}

async function main() {
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "200" },
      posts: { type: "string", default: "1000" },
      ratings: { type: "string", default: "100000" },
      bomb: { type: "string", default: "0" },
      hot: { type: "string", default: "0" },
      "no-fold": { type: "boolean", default: false },
    },
  });
  const users = Number(values.users);
  const posts = Number(values.posts);
  const ratings = Math.min(Number(values.ratings), users * posts);
  const bomb = Number(values.bomb);
  const hot = Math.min(Number(values.hot), users);
  for (const [name, n] of Object.entries({ users, posts, ratings, bomb, hot })) {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number ≥ 0`);
  }
  const handle = await openConfiguredDb();
  const tag = Date.now().toString(36);
  const time = async (label: string, step: () => Promise<unknown>) => {
    const started = performance.now();
    await step();
    console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  try {
    await time(`users (${users})`, () => seedUsers(handle.db, users, tag));
    await time(`posts (${posts})`, () => seedPosts(handle.db, posts, tag));
    await time(`ratings (${ratings})`, () => seedRatings(handle.db, ratings, tag));
    if (hot > 0)
      await time(`hot post: ${hot} ratings on the oldest post`, () => seedHotPost(handle.db, hot, tag));
    if (bomb > 0)
      await time(`burst of ${bomb} zeros on the newest post`, () => seedBomb(handle.db, bomb, tag));
    if (!values["no-fold"])
      await time("fold into windows and score", () => runFold(handle.db, serverConfig().engine));
    console.log(`demo users sign in as demo1-${tag}@steadystar.test … with password "${DEMO_PASSWORD}"`);
  } finally {
    await handle.close();
  }
}

runCli(main);
