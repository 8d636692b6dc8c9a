// `npm run replay -- FILE.jsonl [--policy steady|windowed|mean] [--window SECONDS]`
// Reads rating events, one JSON object a line: {"t": <unix seconds>, "user": <id>, "post": <id>, "score": 0..5}
// and prints one JSON line per closed window per post: {"post", "windowStart", "count", "score"}.
// A stream of several posts is replayed as the server sees it: each rating's cross-post flag comes
// from the same user's ratings of the other posts in the stream (server/ratings/scoring/cross-post.ts).
// Like the server, it learns each UTC day's site profile from the stream's days before it when the
// day's first rating arrives (docs/scoring.md, "Site profile"); a stream's first day uses the constants.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { serverConfig } from "@/server/env";
import { engineConfig } from "@/server/ratings/config";
import { replayEvents, type RatingEvent } from "@/server/ratings/simulate";
import { runCli } from "./run-cli";

function parseEvent(line: string, lineNumber: number): RatingEvent {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`line ${lineNumber}: not JSON`);
  }
  const e = value as Partial<RatingEvent>;
  if (typeof e.t !== "number" || !Number.isFinite(e.t))
    throw new Error(`line ${lineNumber}: t must be a number of Unix seconds`);
  if (typeof e.user !== "string" && typeof e.user !== "number")
    throw new Error(`line ${lineNumber}: user must be a string or number`);
  if (typeof e.post !== "string" && typeof e.post !== "number")
    throw new Error(`line ${lineNumber}: post must be a string or number`);
  if (typeof e.score !== "number" || !Number.isInteger(e.score) || e.score < 0 || e.score > 5) {
    throw new Error(`line ${lineNumber}: score must be a whole number from 0 to 5`);
  }
  return { t: e.t, user: e.user, post: e.post, score: e.score };
}

async function* readEvents(file: string): AsyncGenerator<RatingEvent> {
  const lines = createInterface({
    input: file === "-" ? process.stdin : createReadStream(file),
    crlfDelay: Infinity,
  });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim()) yield parseEvent(line, n);
  }
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { policy: { type: "string" }, window: { type: "string" } },
  });
  const file = positionals[0];
  if (!file)
    throw new Error("usage: npm run replay -- FILE.jsonl [--policy steady|windowed|mean] [--window SECONDS]");
  const configured = serverConfig().engine;
  const config = engineConfig({
    SCORE_POLICY: values.policy ?? configured.policy,
    RATING_WINDOW_SECONDS: values.window ?? String(configured.windowSeconds),
  });
  const events: RatingEvent[] = [];
  for await (const event of readEvents(file)) events.push(event);
  // Exports are not always in order; the engine needs time order (stable for equal times).
  events.sort((a, b) => a.t - b.t);
  for (const closed of replayEvents(events, config.policy, config.windowSeconds)) {
    process.stdout.write(
      `${JSON.stringify({ post: closed.post, windowStart: closed.windowStart, count: closed.summary.count, score: closed.summary.score })}\n`,
    );
  }
}

runCli(main);
