import { createHmac } from "node:crypto";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import nextConfig, { securityHeaders } from "@/next.config.mjs";

const jobs = vi.hoisted(() => ({ fold: vi.fn(), correction: vi.fn(), openDb: vi.fn() }));
vi.mock("@/server/ratings/fold", () => ({ runFold: jobs.fold }));
vi.mock("@/server/ratings/correction", () => ({ runCorrection: jobs.correction }));
vi.mock("@/server/runtime", async (importOriginal) => ({
  ...(await importOriginal<object>()),
  getDb: jobs.openDb,
}));

const SIGNING_KEY = "signkey-prod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

describe("security headers", () => {
  it("apply to every path, with CSP, framing, sniffing, referrer and permissions rules", async () => {
    const rules = await nextConfig.headers!();
    const all = rules.find((rule) => rule.source === "/:path*");
    const names = all?.headers.map((header) => header.key);
    expect(names).toEqual(
      expect.arrayContaining([
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
      ]),
    );
  });

  it("are strict in production and relax only what development needs", () => {
    const production = Object.fromEntries(securityHeaders(true).map((h) => [h.key, h.value]));
    const development = Object.fromEntries(securityHeaders(false).map((h) => [h.key, h.value]));
    const csp = production["Content-Security-Policy"];
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(development["Content-Security-Policy"]).toContain("'unsafe-eval'");
    expect(production["X-Frame-Options"]).toBe("DENY");
    expect(production["X-Content-Type-Options"]).toBe("nosniff");
    expect(production["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
    expect(production["Permissions-Policy"]).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
    expect(production["Strict-Transport-Security"]).toMatch(/^max-age=\d{8,}/);
    expect(development["Strict-Transport-Security"]).toBeUndefined();
  });
});

describe("/api/inngest with a signing key", () => {
  afterEach(() => {
    vi.clearAllMocks();
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function route() {
    vi.resetModules();
    vi.stubEnv("INNGEST_SIGNING_KEY", SIGNING_KEY);
    vi.stubEnv("INNGEST_DEV", "");
    return import("@/app/api/inngest/route");
  }

  /** JSON with sorted keys: what Inngest signs (RFC 8785), so a test can sign the body as is. */
  function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (typeof value === "object" && value !== null) {
      const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
    }
    return JSON.stringify(value);
  }

  function sign(body: string, key: string) {
    const ts = String(Math.floor(Date.now() / 1000));
    const mac = createHmac("sha256", key.replace(/^signkey-\w+-/, ""))
      .update(body + ts)
      .digest("hex");
    return `t=${ts}&s=${mac}`;
  }

  function body(fnId: string): string {
    return canonical({
      event: { name: "inngest/scheduled.timer", data: { cron: "* * * * *" }, id: "01J", ts: Date.now() },
      events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" }, id: "01J", ts: Date.now() }],
      steps: {},
      ctx: { run_id: "01JRUN", attempt: 0, fn_id: fnId, stack: { stack: [], current: 0 } },
    });
  }

  function call(signature: string | null, fnId: string, text = body(fnId)) {
    const url = `http://localhost/api/inngest?fnId=${encodeURIComponent(fnId)}&stepId=step`;
    return new NextRequest(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(signature === null ? {} : { "x-inngest-signature": signature }),
      },
      body: text,
    });
  }

  it.each([
    ["no signature", null],
    ["a garbage signature", "garbage"],
    ["a garbage MAC", `t=${Math.floor(Date.now() / 1000)}&s=${"ab".repeat(32)}`],
    [
      "a signature made with another key",
      sign(body("steadystar-fold-ratings"), "signkey-prod-" + "9".repeat(64)),
    ],
    ["an old timestamp", `t=1000000000&s=${"cd".repeat(32)}`],
  ])("refuses a call with %s and runs no job", async (_name, signature) => {
    const { POST } = await route();
    for (const fnId of ["steadystar-fold-ratings", "steadystar-nightly-correction"]) {
      const res = await POST(call(signature, fnId), {});
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).not.toBe(404);
    }
    expect(jobs.fold).not.toHaveBeenCalled();
    expect(jobs.correction).not.toHaveBeenCalled();
    expect(jobs.openDb).not.toHaveBeenCalled();
  });

  it("runs the job for a correctly signed call, so the refusals above are the signature's doing", async () => {
    const { POST } = await route();
    jobs.openDb.mockResolvedValue({});
    const text = body("steadystar-fold-ratings");
    const res = await POST(call(sign(text, SIGNING_KEY), "steadystar-fold-ratings", text), {});
    expect(res.status).toBeLessThan(300);
    expect(jobs.fold).toHaveBeenCalledTimes(1);
  });

  it("answers 404 in embedded mode, where the jobs run in-process", async () => {
    vi.resetModules();
    vi.stubEnv("INNGEST_SIGNING_KEY", "");
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("VERCEL", "");
    const { POST } = await import("@/app/api/inngest/route");
    expect((await POST(call(null, "steadystar-fold-ratings"), {})).status).toBe(404);
    expect(jobs.fold).not.toHaveBeenCalled();
  });
});
