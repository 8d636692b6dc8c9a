import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/db/client";
import { maxFoldLagSeconds } from "@/server/operations/config";
import { readinessResponse } from "@/server/operations/readiness";
import { testDbForFile } from "../support/db";
import { fold, makePost, makeUser } from "../support/fixtures";

const handle = testDbForFile();
const open = async () => handle;

async function ready(openDb: typeof open = open) {
  const res = await readinessResponse(openDb);
  return { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string } };
}

describe("/api/health/ready", () => {
  it("is ready while the fold keeps up, and answers 503 with the reason once it lags too far", async () => {
    const { db } = handle;
    expect(await ready()).toEqual({ status: 200, body: { ready: true, pending: 0, lagSeconds: 0 } });
    const postId = await makePost(db, await makeUser(db));
    const rater = await makeUser(db);
    await rows(db, sql`insert into ratings (post_id, user_id, score) values (${postId}, ${rater}, 4)`);
    expect((await ready()).status).toBe(200); // pending, but only just
    // Default: 5 fold periods of 60 s. A rating waiting 6 minutes means the fold is not keeping up.
    await rows(
      db,
      sql`update ratings set updated_at = now() - interval '6 minutes', created_at = now() - interval '6 minutes'`,
    );
    const lagging = await ready();
    expect(lagging.status).toBe(503);
    expect(lagging.body.reason).toMatch(/^fold lags 36\d s behind \(limit 300 s\): 1 ratings pending$/);
    await fold(db);
    expect((await ready()).status).toBe(200);
  });

  it("answers 503 naming the database when it cannot be reached, without the driver's details", async () => {
    const unreachable = async () => {
      throw new Error("connect ECONNREFUSED 10.0.0.7:5432 user=secret");
    };
    expect(await ready(unreachable)).toEqual({
      status: 503,
      body: { ready: false, reason: "database unreachable" },
    });
  });

  it("reads READY_MAX_FOLD_LAG_PERIODS in fold periods, and names the variable when it is wrong", () => {
    expect(maxFoldLagSeconds({})).toBe(300);
    expect(maxFoldLagSeconds({ READY_MAX_FOLD_LAG_PERIODS: "2" })).toBe(120);
    for (const bad of ["0", "-1", "1.5", "five", ""])
      expect(() => maxFoldLagSeconds({ READY_MAX_FOLD_LAG_PERIODS: bad })).toThrow(
        /READY_MAX_FOLD_LAG_PERIODS/,
      );
  });
});
