// `npm run bench:fold-lag`: does the embedded fold keep up while requests saturate the server's
// connections? In one process, like `next start` in embedded mode: 50 concurrent callers run a
// 90/10 mix of post.list and rating.submit through the app router on the requests' pool, while
// the embedded scheduler folds every minute on the jobs' own pool. Samples the oldest pending
// rating every two seconds; the fold keeps up when that age stays under one period plus a fold.
// Drops and recreates the `steadystar_bench_fold` database.
import os from "node:os";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openDatabase, rows } from "@/db/client";
import { createCaller } from "@/server/api/root";
import { serverConfig } from "@/server/env";
import { UNLIMITED } from "@/server/limits";
import { startEmbeddedScheduler } from "@/server/jobs/scheduler";
import { freshBenchDatabase } from "./bench-db";
import { replaceSection } from "./report";

const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "150" },
    connections: { type: "string", default: "50" },
    users: { type: "string", default: "20000" },
    posts: { type: "string", default: "2000" },
    // For comparison: the fold on the requests' pool, as before the jobs had their own.
    "shared-pool": { type: "boolean", default: false },
  },
});
const PERIOD_SECONDS = 60;

async function main() {
  const DB_URL = await freshBenchDatabase("steadystar_bench_fold");
  process.env.DATABASE_URL = DB_URL;
  const config = serverConfig();
  const requests = await openDatabase(config.database, "requests");
  const jobs = await openDatabase(config.database, "background");
  const users = Number(opts.users);
  await rows(
    jobs.db,
    sql`insert into users (email, name, password_hash)
        select 'fold' || g || '@bench.test', 'Fold ' || g, 'x' from generate_series(1, ${users}) g`,
  );
  await rows(
    jobs.db,
    sql`insert into posts (author_id, title, content, excerpt, word_count, avg_word_length)
        select 1 + g % ${users}, 'Post ' || g, 'Text.', 'Text.', 1, 4 from generate_series(1, ${Number(opts.posts)}) g`,
  );

  const shared = opts["shared-pool"];
  const folds: string[] = [];
  const stop = startEmbeddedScheduler(
    async () => (shared ? requests.db : jobs.db),
    config.engine,
    (message) => {
      folds.push(`${new Date().toISOString().slice(11, 19)} ${message}`);
      console.log(message);
    },
  );
  const until = Date.now() + Number(opts.seconds) * 1000;
  let calls = 0;
  let failures = 0;
  const worker = async (w: number) => {
    for (let i = 0; Date.now() < until; i++) {
      const userId = 1 + ((w * 7919 + i * 104729) % users);
      const api = createCaller({
        db: requests.db,
        userId,
        ip: "unknown",
        resHeaders: null,
        limits: UNLIMITED,
      });
      try {
        if (i % 10 === 9)
          await api.rating.submit({ postId: 1 + ((w * 31 + i) % Number(opts.posts)), score: i % 6 });
        else await api.post.list({ limit: 20 });
        calls += 1;
      } catch {
        failures += 1;
      }
    }
  };
  let oldest = 0;
  const sampler = setInterval(() => {
    void rows<{ age: number }>(
      jobs.db,
      sql`select coalesce(extract(epoch from now() - min(updated_at)), 0)::float8 as age from ratings
          where folded_at is distinct from updated_at or folded_score is distinct from score`,
    ).then(([row]) => {
      oldest = Math.max(oldest, row?.age ?? 0);
    });
  }, 2_000);
  const started = performance.now();
  await Promise.all(Array.from({ length: Number(opts.connections) }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  stop();
  await new Promise((resolve) => setTimeout(resolve, 5_000)); // a fold that just started finishes
  await requests.close();
  await jobs.close();

  const verdict = oldest < 2 * PERIOD_SECONDS ? "yes" : "NO";
  const section = [
    `## Fold lag under load${shared ? " (comparison: the fold on the requests' pool)" : ""}`,
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} (load average ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end: the machine is shared) with \`npm run bench:fold-lag\` on ${os.cpus().length} cores, Node ${process.version}, the machine's Postgres: ${opts.connections} concurrent callers (90 % \`post.list\`, 10 % \`rating.submit\`) through the app router on the requests' pool (10 connections) for ${seconds.toFixed(0)} s — ${calls.toLocaleString("en")} calls (${(calls / seconds).toFixed(0)}/s), ${failures} failed — while the embedded scheduler folded every ${PERIOD_SECONDS} s ${shared ? "on the same pool (`--shared-pool`)" : "on the jobs' own pool (2 connections)"}.`,
    "",
    "Fold runs:",
    "",
    ...(folds.length ? folds.map((line) => `- ${line}`) : ["- none completed"]),
    "",
    `Oldest pending rating seen (sampled every 2 s): ${oldest.toFixed(1)} s. A rating waits at most one period for its tick plus the fold itself, so the fold keeps up while this stays under two periods (${2 * PERIOD_SECONDS} s): ${verdict}.`,
  ].join("\n");
  console.log(section);
  replaceSection("docs/benchmarks.md", shared ? "fold-lag-shared" : "fold-lag", section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
