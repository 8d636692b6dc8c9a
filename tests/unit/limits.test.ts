import { describe, expect, it, vi } from "vitest";
import {
  createLimits,
  LIMIT_VARIABLES,
  limitsConfigFromEnv,
  MemoryWindow,
  parseRate,
  retryMessage,
} from "@/server/limits";

describe("parseRate", () => {
  it.each([
    ["30/10s", { max: 30, windowMs: 10_000 }],
    ["5/1m", { max: 5, windowMs: 60_000 }],
    ["5 / 1h", { max: 5, windowMs: 3_600_000 }],
    [" 120/10s ", { max: 120, windowMs: 10_000 }],
  ])("reads %s", (text, rate) => {
    expect(parseRate("LIMIT_X", text)).toEqual(rate);
  });

  it("reads off as no limit", () => {
    expect(parseRate("LIMIT_X", "off")).toBeNull();
    expect(parseRate("LIMIT_X", "OFF")).toBeNull();
  });

  it.each(["", "30", "30/10", "30/10d", "0/10s", "30/0s", "-1/10s", "1.5/10s", "thirty/10s", "30/10ms"])(
    "refuses %j, naming the variable",
    (text) => {
      expect(() => parseRate("LIMIT_RATING_USER", text)).toThrow(
        /^LIMIT_RATING_USER=".*" is not a rate: write N\/<number><s\|m\|h>/,
      );
    },
  );
});

describe("limitsConfigFromEnv", () => {
  it("has the documented defaults and no Redis", () => {
    const config = limitsConfigFromEnv({});
    expect(config.redis).toBeNull();
    expect(config.rules).toEqual({
      "rating.user": { max: 30, windowMs: 10_000 },
      "rating.ip": { max: 120, windowMs: 10_000 },
      "post.user": { max: 5, windowMs: 60_000 },
      "post.ip": { max: 20, windowMs: 60_000 },
      "register.ip": { max: 5, windowMs: 3_600_000 },
      "signin.emailIp": { max: 10, windowMs: 300_000 },
      "signin.ip": { max: 30, windowMs: 300_000 },
      "signinFailure.email": { max: 10, windowMs: 300_000 },
      "passwordReset.email": { max: 5, windowMs: 3_600_000 },
      "passwordReset.ip": { max: 20, windowMs: 3_600_000 },
      "passwordReset.user": { max: 5, windowMs: 3_600_000 },
      "accountMail.user": { max: 5, windowMs: 3_600_000 },
      "passwordCheck.user": { max: 10, windowMs: 300_000 },
    });
    expect(config.fallback["rating.user"]).toEqual({ max: 100, windowMs: 10_000 });
    expect(config.fallback["rating.ip"]).toEqual(config.rules["rating.ip"]);
    expect(Object.keys(LIMIT_VARIABLES)).toEqual(Object.keys(config.rules));
  });

  it("takes every rule from its variable", () => {
    const config = limitsConfigFromEnv({
      LIMIT_RATING_IP: "off",
      LIMIT_SIGNIN_EMAIL: "3/1h",
      LIMIT_FAILOPEN_RATING: "7/1s",
    });
    expect(config.rules["rating.ip"]).toBeNull();
    expect(config.rules["signinFailure.email"]).toEqual({ max: 3, windowMs: 3_600_000 });
    expect(config.fallback["rating.user"]).toEqual({ max: 7, windowMs: 1_000 });
  });

  it("fails with a clear message on a bad value or half the Upstash pair", () => {
    expect(() => limitsConfigFromEnv({ LIMIT_POST_IP: "lots" })).toThrow(
      'LIMIT_POST_IP="lots" is not a rate',
    );
    expect(() => limitsConfigFromEnv({ LIMIT_FAILOPEN_RATING: "1/1y" })).toThrow("LIMIT_FAILOPEN_RATING");
    expect(() => limitsConfigFromEnv({ UPSTASH_REDIS_REST_URL: "https://example.upstash.io" })).toThrow(
      /Set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN/,
    );
    expect(() =>
      limitsConfigFromEnv({ UPSTASH_REDIS_REST_URL: "redis://x", UPSTASH_REDIS_REST_TOKEN: "t" }),
    ).toThrow(/not an http\(s\) URL/);
    expect(
      limitsConfigFromEnv({
        UPSTASH_REDIS_REST_URL: "https://example.upstash.io",
        UPSTASH_REDIS_REST_TOKEN: "t",
      }).redis,
    ).toEqual({
      url: "https://example.upstash.io",
      token: "t",
    });
  });
});

describe("MemoryWindow (the sliding window @upstash/ratelimit computes in Redis)", () => {
  it("counts the previous fixed window by how much of it the sliding window still covers", () => {
    let now = 1_000_000_000; // a multiple of the window: the start of a fixed window
    const window = new MemoryWindow({ max: 10, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 10; i++) expect(window.limit("k").success).toBe(true);
    expect(window.limit("k")).toEqual({ success: false, reset: now + 10_000 });
    // Half-way through the next window, half of the previous 10 still count.
    now += 15_000;
    for (let i = 0; i < 5; i++) expect(window.limit("k").success).toBe(true);
    expect(window.limit("k")).toEqual({ success: false, reset: 1_000_020_000 });
    // Then 5 in the previous window, of which 80% still count: floor(4) + 0.
    now += 7_000;
    for (let i = 0; i < 6; i++) expect(window.limit("k").success).toBe(true);
    expect(window.limit("k").success).toBe(false);
    // Two windows later nothing counts.
    now += 20_000;
    for (let i = 0; i < 10; i++) expect(window.limit("k").success).toBe(true);
  });

  it("keeps keys apart", () => {
    const window = new MemoryWindow({ max: 1, windowMs: 1_000 }, () => 5_000);
    expect(window.limit("a").success).toBe(true);
    expect(window.limit("a").success).toBe(false);
    expect(window.limit("b").success).toBe(true);
  });

  it("with more keys than it sweeps above (many addresses), walks them at most once per window", () => {
    let now = 0;
    const window = new MemoryWindow({ max: 5, windowMs: 1_000 }, () => now);
    for (let i = 0; i <= MemoryWindow.SWEEP_ABOVE; i++) window.limit(`ip-${i}`);
    const walks = vi.spyOn(Map.prototype, Symbol.iterator);
    try {
      for (let i = 0; i < 200; i++) window.limit(`more-${i}`);
      expect(walks).not.toHaveBeenCalled();
      // Two windows later the old counters weigh nothing: one walk drops them all.
      now = 2_500;
      window.limit("late");
      expect(walks).toHaveBeenCalledTimes(1);
      expect(window.size).toBe(1);
    } finally {
      walks.mockRestore();
    }
  });
});

describe("createLimits in-process", () => {
  it("refuses with the seconds until the window resets, rounded up", async () => {
    let now = 60_000 * 1_000 + 52_400;
    const env = { LIMIT_POST_USER: "2/1m", LIMIT_POST_IP: "off" };
    const limits = createLimits(limitsConfigFromEnv(env), { now: () => now });
    expect(await limits.check("post", { user: 7, ip: "1.2.3.4" })).toEqual({ ok: true });
    expect(await limits.check("post", { user: 7, ip: "1.2.3.4" })).toEqual({ ok: true });
    expect(await limits.check("post", { user: 7, ip: "1.2.3.4" })).toEqual({
      ok: false,
      retryAfterSeconds: 8,
      message: "Too many new posts: try again in 8 seconds",
    });
    expect(await limits.check("post", { user: 8, ip: "1.2.3.4" })).toEqual({ ok: true });
    now += 7_000;
    expect(await limits.check("post", { user: 7 })).toMatchObject({
      ok: false,
      retryAfterSeconds: 1,
      message: "Too many new posts: try again in 1 second",
    });
  });

  it("skips a rule whose key the caller does not have", async () => {
    const limits = createLimits(limitsConfigFromEnv({ LIMIT_REGISTER_IP: "1/1h" }));
    expect(await limits.check("register", {})).toEqual({ ok: true });
    expect(await limits.check("register", {})).toEqual({ ok: true });
    expect(await limits.check("register", { ip: "9.9.9.9" })).toEqual({ ok: true });
    expect((await limits.check("register", { ip: "9.9.9.9" })).ok).toBe(false);
  });

  it("names the action in the message", () => {
    expect(retryMessage("rating", 7)).toBe("Too many ratings: try again in 7 seconds");
    expect(retryMessage("signin", 1)).toBe("Too many sign-in attempts: try again in 1 second");
  });
});
