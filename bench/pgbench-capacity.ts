// Postgres-side capacity of the rating submit, with no app in between.
// pgbench runs, on a database of its own, (1) the submit statement exactly as the app sends a
// single rating (server/ratings/submit.ts compiles it once; here its $n become pgbench variables),
// prepared, (2) a bare prepared single-row upsert of a rating, the floor of writing one, (3) the
// single-rating statement unprepared (pgbench's extended protocol: a parse and plan per call, as with
// DATABASE_PREPARE unset), and the batch statement with one and with ten ratings, each from an
// empty ratings table with the same random users and posts.
// Run by `npm run bench` after the load scenarios (same run) and alone by `npm run bench:pgbench`.
// PGBENCH names the binary (default: the PostgreSQL 15 one, else pgbench on PATH).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Placeholder } from "drizzle-orm";
import postgres from "postgres";
import { SUBMIT_ONE_STATEMENT, SUBMIT_STATEMENT } from "@/server/ratings/submit";
import { freshBenchDatabase } from "./bench-db";
import { replaceSection } from "./report";

export type PgbenchOptions = { seconds: number; clients: number; users: number; posts: number };
const DB_NAME = "steadystar_pgbench";

function pgbenchBinary(): string {
  if (process.env.PGBENCH) return process.env.PGBENCH;
  const pg15 = "/usr/lib/postgresql/15/bin/pgbench";
  return existsSync(pg15) ? pg15 : "pgbench";
}

const ARRAY_OF: Record<string, string> = { posts: "postId", users: "userId", scores: "score" };
const SINGLE = new Set(["postId", "userId", "score"]);

/**
 * One of the app's submit statements with its $n turned into pgbench variables: the single-rating
 * statement (`batch` null) takes :postId, :userId, :score; the batch statement takes `batch` ratings
 * as arrays (:postId, … for one; :postId1, :userId1, :score1, … for more, as the app's statement
 * queue sends them under load).
 */
export function submitScript(batch: number | null = null): string {
  const { text, params } = (batch === null ? SUBMIT_ONE_STATEMENT : SUBMIT_STATEMENT).compiled();
  // pgbench takes any :word, even inside a string literal, for a variable: the time formats'
  // colons are spelled chr(58) (a constant expression, folded when the statement is planned).
  // Comments go first: an apostrophe in one would pair with the next literal's quote below.
  const colonFree = text
    .replace(/--[^\n]*\n/g, "\n")
    .replace(
      /'([^']*:[^']*)'/g,
      (_match, literal: string) => `replace('${literal.replaceAll(":", "#")}', '#', chr(58))`,
    );
  const body = colonFree.replace(/\$(\d+)/g, (_match, n: string) => {
    const param = params[Number(n) - 1];
    if (param instanceof Placeholder && SINGLE.has(param.name)) return `:${param.name}`;
    // The batch statement takes its ratings as int arrays in text form.
    if (param instanceof Placeholder && param.name in ARRAY_OF && batch !== null) {
      const name = ARRAY_OF[param.name]!;
      const items = batch === 1 ? [`:${name}`] : Array.from({ length: batch }, (_, k) => `:${name}${k + 1}`);
      return `('{' || ${items.join(" || ',' || ")} || '}')`;
    }
    if (typeof param === "number") return String(param);
    throw new Error(`the submit statement has a parameter pgbench cannot stand in for: $${n}`);
  });
  // pgbench reads a statement to the first unquoted semicolon at the end of a line; one line is safest.
  return `${body
    .replace(/--[^\n]*\n/g, "\n")
    .replace(/\s+/g, " ")
    .trim()};`;
}

const BARE_UPSERT = `insert into ratings (post_id, user_id, score) values (:postId, :userId, :score)
  on conflict (post_id, user_id) do update set score = excluded.score, updated_at = clock_timestamp();`
  .replace(/\s+/g, " ")
  .trim();

type Run = { name: string; mode: "prepared" | "extended"; statement: string; ratingsPerCall: number };
type Result = Run & { tps: number; latencyMs: number; failed: number };

/** Ratings per statement in the batched run: about what the app's queue carries under load. */
const BATCH = 10;

/** Runs the three statements and writes the "pgbench" section of docs/benchmarks.md. */
export async function runPgbench(opts: PgbenchOptions): Promise<void> {
  const DB_URL = await freshBenchDatabase(DB_NAME);
  const sql = postgres(DB_URL, { max: 1, onnotice: () => {} });
  const { users, posts } = opts;
  await sql`insert into users (email, name, password_hash)
            select 'pgbench' || g || '@bench.test', 'User ' || g, 'no-sign-in' from generate_series(1, ${users}) g`;
  await sql`insert into posts (author_id, title, content, excerpt, word_count, avg_word_length)
            select 1, 'Post ' || g, 'Some words.', 'Some words.', 2, 5 from generate_series(1, ${posts}) g`;
  const [range] = await sql<{ ulo: number; uhi: number; plo: number; phi: number }[]>`
    select (select min(id) from users) as ulo, (select max(id) from users) as uhi,
           (select min(id) from posts) as plo, (select max(id) from posts) as phi`;
  if (!range) throw new Error("no users or posts");
  await sql`vacuum analyze`;

  const dir = mkdtempSync(path.join(os.tmpdir(), "steadystar-pgbench-"));
  const variables = [
    `\\set postId random(${range.plo}, ${range.phi})`,
    `\\set userId random(${range.ulo}, ${range.uhi})`,
    `\\set score random(0, 5)`,
  ].join("\n");
  // A batch never holds two ratings of one user (the queue's rule): consecutive user ids.
  const batchVariables = [
    `\\set userId0 random(${range.ulo}, ${range.uhi - BATCH})`,
    ...Array.from({ length: BATCH }, (_, k) =>
      [
        `\\set postId${k + 1} random(${range.plo}, ${range.phi})`,
        `\\set userId${k + 1} :userId0 + ${k}`,
        `\\set score${k + 1} random(0, 5)`,
      ].join("\n"),
    ),
  ].join("\n");
  const runs: Run[] = [
    { name: "submit statement, prepared", mode: "prepared", statement: submitScript(), ratingsPerCall: 1 },
    { name: "bare single-row upsert, prepared", mode: "prepared", statement: BARE_UPSERT, ratingsPerCall: 1 },
    { name: "submit statement, unprepared", mode: "extended", statement: submitScript(), ratingsPerCall: 1 },
    {
      name: "batch submit statement, prepared, 1 rating",
      mode: "prepared",
      statement: submitScript(1),
      ratingsPerCall: 1,
    },
    {
      name: `batch submit statement, prepared, ${BATCH} ratings a statement`,
      mode: "prepared",
      statement: submitScript(BATCH),
      ratingsPerCall: BATCH,
    },
  ];
  const url = new URL(DB_URL);
  const results: Result[] = [];
  for (const [i, run] of runs.entries()) {
    await sql`truncate ratings, post_rater_counts`;
    const file = path.join(dir, `script-${i}.sql`);
    writeFileSync(file, `${run.ratingsPerCall === 1 ? variables : batchVariables}\n${run.statement}\n`);
    const out = execFileSync(
      pgbenchBinary(),
      [
        "-n",
        `-M${run.mode}`,
        `-c${opts.clients}`,
        "-j2",
        `-T${opts.seconds}`,
        `-f${file}`,
        `-h${url.hostname}`,
        `-p${url.port || "5432"}`,
        `-U${decodeURIComponent(url.username) || "postgres"}`,
        DB_NAME,
      ],
      { encoding: "utf8", env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } },
    );
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? NaN);
    const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0);
    results.push({ ...run, tps, latencyMs, failed });
    console.log(`[pgbench] ${run.name}: ${tps.toFixed(0)} tps, latency ${latencyMs} ms, ${failed} failed`);
  }
  const [{ version } = { version: "?" }] = await sql<
    { version: string }[]
  >`select split_part(version(), ' ', 2) as version`;
  await sql.end();

  const bare = results.find((r) => r.name.startsWith("bare"))!.tps;
  const ratingsPerSecond = (r: Result) => r.tps * r.ratingsPerCall;
  const single = ratingsPerSecond(results[0]!);
  const batched = ratingsPerSecond(results.find((r) => r.ratingsPerCall > 1)!);
  const section = [
    "## Postgres-side capacity of the submit (pgbench)",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}); PostgreSQL ${version}; pgbench on the same machine, ${opts.clients} clients, 2 threads, ${opts.seconds} s per run, ${users.toLocaleString("en")} users × ${posts.toLocaleString("en")} posts drawn at random, each run from an empty ratings table (the live-count triggers on, as in the app).`,
    "",
    "Command: `npm run bench:pgbench` (bench/pgbench.ts).",
    "",
    "| statement | protocol | ratings a statement | statements/s | ratings/s | latency avg ms | failed | ratings/s vs bare upsert |",
    "|---|---|---|---|---|---|---|---|",
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.mode} | ${r.ratingsPerCall} | ${r.tps.toFixed(0)} | ${ratingsPerSecond(r).toFixed(0)} | ${r.latencyMs} | ${r.failed} | ${(ratingsPerSecond(r) / bare).toFixed(2)}× |`,
    ),
    "",
    `- submit statement prepared (one rating, the app's single-rating statement), vs bare prepared upsert: ${(single / bare).toFixed(2)}× (target ≥ 0.8×)`,
    `- batch submit statement prepared, ${BATCH} ratings a statement (the app's queue under load), vs bare prepared upsert: ${(batched / bare).toFixed(2)}× in ratings/s`,
  ].join("\n");
  replaceSection("docs/benchmarks.md", "pgbench", section);
  console.log("[pgbench] docs/benchmarks.md updated");
}
