// `npm run bench:search`: the no-match title search at a million posts, measured through the app's
// own query (listPosts) on the machine's Postgres, with the former ILIKE query timed on the same
// data for comparison. Drops and recreates the `steadystar_bench_search` database.
import os from "node:os";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { openPostgres } from "@/db/client";
import { listPosts } from "@/server/posts/queries";
import { titleSearchQuery } from "@/server/posts/search";
import { benchDatabaseUrl, freshBenchDatabase } from "./bench-db";
import { replaceSection } from "./report";
import { fillPosts, noMatchQuery, SEARCH_POSTS } from "./search-scale";

const { values: opts } = parseArgs({
  options: {
    posts: { type: "string", default: String(SEARCH_POSTS) },
    requests: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "10" },
    "skip-seed": { type: "boolean", default: false },
  },
});
const DB_NAME = "steadystar_bench_search";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main() {
  const posts = Number(opts.posts);
  const DB_URL = opts["skip-seed"] ? benchDatabaseUrl(DB_NAME) : await freshBenchDatabase(DB_NAME);
  const sql = postgres(DB_URL, { max: 1, onnotice: () => {} });
  const handle = await openPostgres(DB_URL, { max: Number(opts.concurrency) });
  try {
    await sql`insert into users (email, name, password_hash) values ('search@bench.test', 'Search', 'x') on conflict do nothing`;
    const started = performance.now();
    const added = await fillPosts(sql, posts);
    console.log(
      `[bench:search] ${added} posts added in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const latencies: number[] = [];
    let next = 0;
    const total = Number(opts.requests);
    const worker = async () => {
      while (next < total) {
        const q = noMatchQuery(next++);
        const t0 = performance.now();
        const page = await listPosts(handle.db, { viewerId: null, limit: 20, sort: "newest", q });
        latencies.push(performance.now() - t0);
        if (page.items.length) throw new Error(`"${q}" matched ${page.items.length} posts`);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: Number(opts.concurrency) }, worker));
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    const [p50, p99] = [percentile(latencies, 50), percentile(latencies, 99)];

    // The query this replaced, on the same data, a few times (each walks the newest index to the end).
    const ilike: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await sql`select id from posts where title ilike ${`%${noMatchQuery(10_000 + i)}%`} order by created_at desc, id desc limit 21`;
      ilike.push(performance.now() - t);
    }
    ilike.sort((a, b) => a - b);
    // The database's own time for one search (the index lookup), apart from the machine's load.
    const [{ "QUERY PLAN": [plan] = [] } = { "QUERY PLAN": [] }] = await sql<
      { "QUERY PLAN": { "Planning Time": number; "Execution Time": number }[] }[]
    >`explain (analyze, format json) select id from posts p
      where to_tsvector('simple', p.title) @@ to_tsquery('simple', ${titleSearchQuery(noMatchQuery(20_000))})
      order by created_at desc, id desc limit 21`;
    const { version } = (
      await sql<{ version: string }[]>`select split_part(version(), ' ', 2) as version`
    )[0]!;
    const line = `[bench:search] ${total} no-match searches at ${posts.toLocaleString("en")} posts, ${opts.concurrency} at a time: ${(total / seconds).toFixed(0)}/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; former ILIKE query: median ${percentile(ilike, 50).toFixed(0)} ms`;
    console.log(line);
    replaceSection(
      "docs/benchmarks.md",
      "search",
      [
        "## Title search at a million posts",
        "",
        `Measured ${new Date().toISOString().slice(0, 10)} (load average ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end: the machine is shared) with \`npm run bench:search\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}, PostgreSQL ${version} on the same machine: ${posts.toLocaleString("en")} posts with 3–8-word titles over a 20,000-word vocabulary; ${total} different no-match searches (\`${noMatchQuery(0)}\`: a common word and an absent one being typed), ${opts.concurrency} at a time, each through the app's \`listPosts\` (the same SQL the \`post.list\` procedure runs, without HTTP).`,
        "",
        "| query | searches/s | p50 ms | p99 ms |",
        "|---|---|---|---|",
        `| full-text (GIN over \`to_tsvector('simple', title)\`) | ${(total / seconds).toFixed(0)} | ${p50.toFixed(1)} | ${p99.toFixed(1)} |`,
        `| the same search inside Postgres (\`explain analyze\`): planning / execution | – | ${plan?.["Planning Time"].toFixed(1)} / ${plan?.["Execution Time"].toFixed(2)} | – |`,
        `| former \`title ILIKE '%…%'\`, same data, one at a time | – | ${percentile(ilike, 50).toFixed(0)} | ${ilike.at(-1)!.toFixed(0)} (max of 5) |`,
        "",
        'Target: p99 ≤ 50 ms. `npm run bench` sends the same searches over HTTP (scenario "post.list title search, no match, 1M posts").',
      ].join("\n"),
    );
  } finally {
    await sql.end();
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
