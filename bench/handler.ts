// `npm run bench:handler` (after `npm run bench`, on its database): where a request's time goes
// without Next.js's server around it. The same tRPC handler the route uses (behind a bare Node
// HTTP server on loopback, run by Next's API-route resolver as in the tests), the domain functions
// it calls, and bare SQL, each driven with 10 concurrent callers. Compared with the figures of
// `npm run bench`, the difference is the cost of Next.js's routing and request handling.
import { readFileSync } from "node:fs";
import os from "node:os";
import { NextRequest } from "next/server";
import postgres from "postgres";
import { openPostgres } from "@/db/client";
import { createLimits, limitsConfigFromEnv } from "@/server/limits";
import { getPost, listPosts } from "@/server/posts/queries";
import { submitRating } from "@/server/ratings/submit";
import { trpcOverHttp } from "@/tests/support/trpc-http";
import { replaceSection } from "./report";

const URL_ = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/steadystar_bench";
const TOKENS_FILE = ".data/bench-tokens.json";
const CALLS = 4000;
const CONCURRENCY = 10;

type Prepared = { hotPostId: number; singlePostId: number; postIds: number[]; tokens: string[] };

async function rate(
  label: string,
  call: () => Promise<unknown>,
): Promise<{ label: string; rps: number; ms: number }> {
  for (let i = 0; i < 200; i++) await call();
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started++ < CALLS) await call();
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const result = { label, rps: CALLS / seconds, ms: (seconds * 1000 * CONCURRENCY) / CALLS };
  console.log(`${label.padEnd(52)} ${result.rps.toFixed(0).padStart(6)} calls/s`);
  return result;
}

async function main() {
  const data = JSON.parse(readFileSync(TOKENS_FILE, "utf8")) as Prepared;
  const handle = await openPostgres(URL_, { max: CONCURRENCY });
  const sql = postgres(URL_, { max: CONCURRENCY, onnotice: () => {} });
  // The route's own handler, with limits that do not stop one process hammering from one address.
  const limits = createLimits(
    limitsConfigFromEnv({ LIMIT_RATING_IP: "off", LIMIT_RATING_USER: "100000/10s" }),
  );
  const handler = trpcOverHttp(async () => handle.db, { limits: () => limits });
  const pool = data.tokens.slice(0, 200);
  const poolUsers = (
    await sql<{ user_id: number }[]>`select user_id from api_tokens order by id limit 200`
  ).map((r) => r.user_id);
  let n = 50_000_000 + Math.floor(Math.random() * 1_000_000);
  const nextPair = () => {
    const i = n++;
    return {
      token: pool[i % pool.length]!,
      user: poolUsers[i % poolUsers.length]!,
      post: data.postIds[Math.floor(i / pool.length) % data.postIds.length]!,
    };
  };
  const get = (path: string, input: object, token?: string) =>
    handler(
      new NextRequest(
        `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
        token ? { headers: { authorization: `Bearer ${token}` } } : {},
      ),
    ).then((r) => r.text());

  const results = [
    await rate("tRPC handler: post.list anonymous", () => get("post.list", { limit: 20 })),
    await rate("  listPosts() alone", () =>
      listPosts(handle.db, { viewerId: null, limit: 20, sort: "newest" }),
    ),
    await rate("tRPC handler: post.byId", () => get("post.byId", { id: data.singlePostId })),
    await rate("  getPost() alone", () => getPost(handle.db, data.singlePostId, null)),
    await rate("tRPC handler: rating.submit (cached token)", async () => {
      const p = nextPair();
      const body = JSON.stringify({ postId: p.post, score: n % 6 });
      const res = await handler(
        new NextRequest("http://localhost/api/trpc/rating.submit", {
          method: "POST",
          headers: { authorization: `Bearer ${p.token}`, "content-type": "application/json" },
          body,
        }),
      );
      if (res.status !== 200) throw new Error(await res.text());
    }),
    await rate("  submitRating() alone", () => {
      const p = nextPair();
      return submitRating(handle.db, { postId: p.post, userId: p.user, score: n % 6 });
    }),
    await rate("  bare upsert of one rating (postgres.js)", () => {
      const p = nextPair();
      return sql`insert into ratings (post_id, user_id, score) values (${p.post}, ${p.user}, ${n % 6})
                 on conflict (post_id, user_id) do update set score = excluded.score`;
    }),
    await rate("  select 1 (postgres.js)", () => sql`select 1`),
  ];
  await sql.end();
  await handle.close();

  replaceSection(
    "docs/benchmarks.md",
    "handler",
    [
      `Measured ${new Date().toISOString().slice(0, 10)} with \`npm run bench:handler\` on ${os.cpus().length} cores, Node ${process.version}, the route's handler behind a bare Node HTTP server on loopback (no Next.js server), ${CONCURRENCY} concurrent callers sharing ${CALLS} calls after 200 warm-up calls, on the \`npm run bench\` database.`,
      "",
      "| what | calls/s | ms of wall time per call at 10 in flight |",
      "|---|---|---|",
      ...results.map((r) => `| ${r.label.trim()} | ${r.rps.toFixed(0)} | ${r.ms.toFixed(2)} |`),
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
