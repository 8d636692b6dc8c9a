import { afterEach, describe, expect, it, vi } from "vitest";
import { GET } from "@/app/api/health/route";
import { checkHealth } from "@/server/health";
import { testDbForFile } from "../support/db";

const handle = testDbForFile();

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("/api/health", () => {
  it("is healthy with a database that answers", async () => {
    expect(await checkHealth(async () => ({ ...handle, close: async () => {} }))).toEqual({
      status: 200,
      body: { ok: true, database: handle.driver },
    });
  });

  it("is not healthy in production without NEXTAUTH_SECRET, and says why", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("NEXTAUTH_SECRET", "");
    vi.stubEnv("STEADYSTAR_ALLOW_DEV_SECRET", "");
    const res = await GET();
    expect(res.status).toBe(503);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { ok: boolean; error: string };
    expect(body.ok).toBe(false);
    expect(body.error).toMatch(/NEXTAUTH_SECRET is not set/);
  });
});
