import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite, type DbHandle } from "@/db/client";
import { runCorrection } from "@/server/ratings/correction";
import { runFold } from "@/server/ratings/fold";
import { clearRating } from "@/server/ratings/removal";
import { submitRating } from "@/server/ratings/submit";
import { openTestDb } from "../support/db";
import { pendingCount, recomputedWindows, storedWindows } from "../support/engine";
import { countRatings, makePost, makeUser, makeUsers } from "../support/fixtures";

const config = { policy: "steady", windowSeconds: 120 } as const;
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Starts the fold in a child process and SIGKILLs it once it is inside its third batch. */
function foldAndKill(
  env: Record<string, string>,
): Promise<{ output: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "tests/support/fold-child.ts"],
      {
        env: { ...process.env, ...env, TSX_TSCONFIG_PATH: "tsconfig.json" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    let batches = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      batches = (output.match(/^batch /gm) ?? []).length;
      if (batches >= 3) child.kill("SIGKILL");
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ output, signal }));
  });
}

async function seed(handle: DbHandle, raters: number) {
  const author = await makeUser(handle.db);
  const users = await makeUsers(handle.db, raters);
  const postId = await makePost(handle.db, author);
  for (const [i, user] of users.entries())
    await submitRating(handle.db, { postId, userId: user, score: (i * 7) % 6 });
  // Folded once, then every rating pending again: half cleared (the fold subtracts and deletes
  // them), half changed (moved between windows).
  await runFold(handle.db, config);
  for (const [i, user] of users.entries()) {
    if (i % 2 === 0) await clearRating(handle.db, { postId, userId: user });
    else await submitRating(handle.db, { postId, userId: user, score: (((i * 7) % 6) + 1) % 6 });
  }
}

describe("a fold process killed with SIGKILL", () => {
  it("loses and repeats nothing: the next fold and the correction end with zero drift", async () => {
    let handle: DbHandle;
    let env: Record<string, string>;
    let reopen: () => Promise<DbHandle>;
    if (process.env.TEST_DRIVER === "postgres") {
      const test = await openTestDb();
      cleanups.push(() => test.close());
      handle = test;
      env = { DATABASE_URL: test.url! };
      reopen = async () => test;
    } else {
      // PGlite on disk: the child opens the directory once this process has closed it.
      const dir = mkdtempSync(path.join(tmpdir(), "steadystar-kill-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      handle = await openPglite(dir);
      env = { PGLITE_DIR: dir };
      reopen = async () => {
        const again = await openPglite(dir);
        cleanups.push(() => again.close());
        return again;
      };
    }
    await seed(handle, 80);
    if (process.env.TEST_DRIVER !== "postgres") await handle.close();

    const { output, signal } = await foldAndKill(env);
    expect(signal).toBe("SIGKILL");
    expect(output).not.toContain("finished");

    const after = await reopen();
    const pending = await pendingCount(after.db);
    // Committed batches of 10 stay folded; the batch that was running when killed rolled back.
    expect(pending).toBeGreaterThan(0);
    expect(pending).toBeLessThan(80);
    expect(pending % 10).toBe(0);

    await runFold(after.db, config);
    const report = await runCorrection(after.db, config);
    expect(report.postsDrifted).toBe(0);
    expect(report.maxScoreDifference).toBe(0);
    expect(await storedWindows(after.db)).toEqual(await recomputedWindows(after.db));
    expect(await countRatings(after.db)).toBe(40);
  }, 60_000);
});
