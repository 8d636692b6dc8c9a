// How the server's connections are set up on Postgres: request statements are time-limited, and
// the engine's jobs have connections of their own. (PGlite is one in-process connection: neither
// applies there.)
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase, rows, type DbHandle } from "@/db/client";
import { isDatabaseUnavailable } from "@/db/errors";
import { parseServerConfig } from "@/server/env";
import { getDbHandle, getJobsDb } from "@/server/runtime";
import { runFold } from "@/server/ratings/fold";
import { openTestDb } from "../support/db";
import { callerFor, makePost, makeUser } from "../support/fixtures";

const onPostgres = process.env.TEST_DRIVER === "postgres";
let test: (DbHandle & { url?: string }) | undefined;
const opened: DbHandle[] = [];

beforeAll(async () => {
  if (!onPostgres) return;
  test = await openTestDb();
  vi.stubEnv("DATABASE_URL", test.url ?? "");
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all(opened.map((handle) => handle.close()));
  await test?.close();
});

describe.runIf(onPostgres)("Postgres connections", () => {
  it("cancel a request statement past DATABASE_QUERY_TIMEOUT_MS (an outage to clients), not a job's", async () => {
    const { database } = parseServerConfig({ DATABASE_URL: test?.url, DATABASE_QUERY_TIMEOUT_MS: "200" });
    const requests = await openDatabase(database, "requests");
    const background = await openDatabase(database, "background");
    opened.push(requests, background);
    const error = await rows(requests.db, sql`select pg_sleep(1)`).catch((e: unknown) => e);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(await rows(background.db, sql`select 1 as slept from pg_sleep(0.5)`)).toEqual([{ slept: 1 }]);
  });

  it("fold on their own connections while requests hold every request connection", async () => {
    vi.stubEnv("DATABASE_POOL_SIZE", "1");
    vi.stubEnv("DATABASE_QUERY_TIMEOUT_MS", "0");
    const requestsHandle = await getDbHandle();
    opened.push(requestsHandle);
    const jobs = await getJobsDb();
    const author = await makeUser(requestsHandle.db);
    const postId = await makePost(requestsHandle.db, author);
    await callerFor(requestsHandle.db, await makeUser(requestsHandle.db)).rating.submit({ postId, score: 5 });

    let held = true;
    // Cancelled at the end, so its error is expected and dropped.
    const holding = rows(requestsHandle.db, sql`select pg_sleep(60) as hold`)
      .catch(() => null)
      .finally(() => {
        held = false;
      });
    try {
      // The only request connection is busy; the fold must not need it.
      const report = await runFold(jobs, parseServerConfig({}).engine);
      expect(report.folded).toBe(1);
      expect(held).toBe(true);
    } finally {
      await rows(
        jobs,
        sql`select pg_cancel_backend(pid) from pg_stat_activity
            where datname = current_database() and query like 'select pg_sleep(60)%'`,
      );
      await holding;
    }
  });
});
