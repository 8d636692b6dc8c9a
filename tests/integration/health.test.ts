import { describe, expect, it } from "vitest";
import { parseServerConfig } from "@/server/env";
import { checkHealth } from "@/server/health";
import { testDbForFile } from "../support/db";

const handle = testDbForFile();

describe("/api/health", () => {
  it("is healthy with a database that answers", async () => {
    expect(await checkHealth(async () => ({ ...handle, close: async () => {} }))).toEqual({
      status: 200,
      body: { ok: true, database: handle.driver },
    });
  });

  it("is not healthy in production without NEXTAUTH_SECRET, and says why", async () => {
    const config = parseServerConfig({ NODE_ENV: "production" });
    const health = await checkHealth(async () => ({ ...handle, close: async () => {} }), { config });
    expect(health.status).toBe(503);
    expect(health.body.ok).toBe(false);
    expect(health.body.error).toMatch(/NEXTAUTH_SECRET is not set/);
  });
});
