// Rate limits: one sliding window of N requests per W per key, checked before anything is written.
// With UPSTASH_REDIS_REST_URL + UPSTASH_REDIS_REST_TOKEN the counters live in Redis (through
// @upstash/ratelimit) so they hold across serverless instances; without them, in this process.
import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { inSpan } from "@/server/telemetry/tracing";
import { CircuitBreaker } from "./circuit-breaker";

export type Rate = { max: number; windowMs: number };

/** What each action is limited by; a rule whose key the caller does not have is skipped. */
const ACTIONS = {
  rating: { noun: "ratings", keys: ["user", "ip"] },
  post: { noun: "new posts", keys: ["user", "ip"] },
  register: { noun: "registrations", keys: ["ip"] },
  // Sign-in attempts are refused per (account, address) and per address, never per account alone:
  // otherwise anyone could lock an owner out by failing from many addresses. Per account, only
  // failures are counted, and past the limit they are slowed down, not refused (server/auth.ts).
  signin: { noun: "sign-in attempts", keys: ["emailIp", "ip"] },
  signinFailure: { noun: "failed sign-ins", keys: ["email"] },
  // Password reset mails: per address and client up front, per account once the address is looked up.
  passwordReset: { noun: "password reset requests", keys: ["email", "ip", "user"] },
  // Verification mails an account asks for (resend, change of email).
  accountMail: { noun: "verification mails", keys: ["user"] },
  // Signed-in actions that ask for the current password (a stolen session must not guess it).
  passwordCheck: { noun: "password attempts", keys: ["user"] },
} as const;

export type LimitedAction = keyof typeof ACTIONS;
type KeyKind = "user" | "ip" | "email" | "emailIp";
type RuleName = { [A in LimitedAction]: `${A}.${(typeof ACTIONS)[A]["keys"][number]}` }[LimitedAction];

/** Every rule with its environment variable and default (README's Configuration table lists the same). */
export const LIMIT_VARIABLES: Record<RuleName, { env: string; default: string }> = {
  "rating.user": { env: "LIMIT_RATING_USER", default: "30/10s" },
  "rating.ip": { env: "LIMIT_RATING_IP", default: "120/10s" },
  "post.user": { env: "LIMIT_POST_USER", default: "5/1m" },
  "post.ip": { env: "LIMIT_POST_IP", default: "20/1m" },
  "register.ip": { env: "LIMIT_REGISTER_IP", default: "5/1h" },
  "signin.emailIp": { env: "LIMIT_SIGNIN_EMAIL_IP", default: "10/5m" },
  "signin.ip": { env: "LIMIT_SIGNIN_IP", default: "30/5m" },
  "signinFailure.email": { env: "LIMIT_SIGNIN_EMAIL", default: "10/5m" },
  "passwordReset.email": { env: "LIMIT_RESET_EMAIL", default: "5/1h" },
  "passwordReset.ip": { env: "LIMIT_RESET_IP", default: "20/1h" },
  "passwordReset.user": { env: "LIMIT_RESET_ACCOUNT", default: "5/1h" },
  "accountMail.user": { env: "LIMIT_ACCOUNT_MAIL_USER", default: "5/1h" },
  "passwordCheck.user": { env: "LIMIT_PASSWORD_CHECK_USER", default: "10/5m" },
};

/**
 * While Redis is unreachable the ratings path must keep working, so a rating falls back to a
 * looser per-user limit in this process: an outage loses no rating, yet cannot become unlimited.
 * Every other rule keeps its own rate in-process during an outage.
 */
export const FAILOPEN_RATING = { env: "LIMIT_FAILOPEN_RATING", default: "100/10s" };

export type LimitsConfig = {
  rules: Record<RuleName, Rate | null>;
  /** The in-process rate applied when the Redis check fails (null: no limit). */
  fallback: Record<RuleName, Rate | null>;
  redis: { url: string; token: string } | null;
  /** Redis key prefix, so that deployments or test runs sharing one Redis do not collide. */
  prefix: string;
  /** A Redis check slower than this counts as failed and falls back to the in-process limiter. */
  redisTimeoutMs: number;
  /** After a Redis failure, how long every check stays in-process before Redis is tried again. */
  redisBreakMs: number;
};

/** The Redis path's own settings: how long a check may wait, and how long an outage is sat out. */
/** A whole number of at least 1 from `env`, or the default; anything else throws, naming the variable. */
function wholeNumber(env: Record<string, string | undefined>, variable: { env: string; default: number }) {
  const text = env[variable.env]?.trim();
  if (!text) return variable.default;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1)
    throw new Error(`${variable.env}="${text}" is not a whole number of at least 1`);
  return Number(text);
}

export const REDIS_VARIABLES = {
  timeoutMs: { env: "LIMIT_REDIS_TIMEOUT_MS", default: 250 },
  breakSeconds: { env: "LIMIT_REDIS_BREAK_SECONDS", default: 30 },
} as const;

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** "30/10s" → 30 per 10 seconds; "off" → null. Anything else throws, naming the variable. */
export function parseRate(name: string, value: string): Rate | null {
  const text = value.trim();
  if (text.toLowerCase() === "off") return null;
  const match = /^(\d+)\s*\/\s*(\d+)\s*([smh])$/.exec(text);
  const max = Number(match?.[1]);
  const windowMs = Number(match?.[2]) * (UNITS[match?.[3] ?? ""] ?? Number.NaN);
  if (
    !match ||
    !Number.isSafeInteger(max) ||
    max < 1 ||
    !Number.isSafeInteger(windowMs) ||
    windowMs < 1_000
  ) {
    throw new Error(
      `${name}="${value}" is not a rate: write N/<number><s|m|h> such as "30/10s" or "5/1h" (N and the window at least 1), or "off"`,
    );
  }
  return { max, windowMs };
}

/** Every LIMIT_* variable and the Upstash pair, validated: a bad value throws a message naming it. */
export function limitsConfigFromEnv(env: Record<string, string | undefined>): LimitsConfig {
  const read = (variable: { env: string; default: string }) =>
    parseRate(variable.env, env[variable.env] ?? variable.default);
  const names = Object.keys(LIMIT_VARIABLES) as RuleName[];
  const rules = Object.fromEntries(names.map((name) => [name, read(LIMIT_VARIABLES[name])])) as Record<
    RuleName,
    Rate | null
  >;
  const fallback = { ...rules, "rating.user": read(FAILOPEN_RATING) };
  const url = env.UPSTASH_REDIS_REST_URL?.trim();
  const token = env.UPSTASH_REDIS_REST_TOKEN?.trim();
  if (Boolean(url) !== Boolean(token)) {
    throw new Error(
      "Set both UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN for Redis-backed rate limits, or neither for in-process limits",
    );
  }
  if (url && !/^https?:\/\/\S+$/.test(url))
    throw new Error(`UPSTASH_REDIS_REST_URL="${url}" is not an http(s) URL`);
  return {
    rules,
    fallback,
    redis: url && token ? { url, token } : null,
    prefix: "steadystar:limit",
    redisTimeoutMs: wholeNumber(env, REDIS_VARIABLES.timeoutMs),
    redisBreakMs: wholeNumber(env, REDIS_VARIABLES.breakSeconds) * 1000,
  };
}

type Outcome = { success: boolean; reset: number };

/**
 * The same approximation @upstash/ratelimit's slidingWindow runs in its Lua script: the count of
 * the current fixed window plus the previous window's count weighted by how much of it still
 * overlaps the sliding window; reset is the end of the current fixed window. Rejected requests
 * are not counted.
 */
export class MemoryWindow {
  private readonly counters = new Map<string, { window: number; current: number; previous: number }>();

  constructor(
    private readonly rate: Rate,
    private readonly now: () => number = Date.now,
  ) {}

  limit(key: string): Outcome {
    const now = this.now();
    const { max, windowMs } = this.rate;
    const window = Math.floor(now / windowMs);
    const found = this.counters.get(key);
    const counter =
      found?.window === window
        ? found
        : { window, current: 0, previous: found?.window === window - 1 ? found.current : 0 };
    const previousWeighted = Math.floor((1 - (now % windowMs) / windowMs) * counter.previous);
    const reset = (window + 1) * windowMs;
    if (previousWeighted + counter.current >= max) return { success: false, reset };
    counter.current += 1;
    this.counters.set(key, counter);
    if (this.counters.size > MemoryWindow.SWEEP_ABOVE && window !== this.sweptWindow) this.sweep(window);
    return { success: true, reset };
  }

  /** Keys past which old counters are dropped. */
  static readonly SWEEP_ABOVE = 10_000;
  private sweptWindow = Number.NEGATIVE_INFINITY;

  // Counters older than the previous window no longer weigh anything; dropping them bounds memory.
  // Once per window at most: the counters a sweep keeps are all of the current and previous
  // windows, so sweeping again within the window would find nothing, and with more than
  // SWEEP_ABOVE live keys (many addresses) it would walk them all on every call.
  private sweep(window: number) {
    this.sweptWindow = window;
    for (const [key, counter] of this.counters) if (counter.window < window - 1) this.counters.delete(key);
  }

  /** Keys held now (tests). */
  get size(): number {
    return this.counters.size;
  }
}

export type LimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; message: string };
export type LimitKeys = { user?: number | string | null; ip?: string | null; email?: string | null };

export type Limits = {
  /** Checks (and counts) one request against every rule of the action; nothing is counted twice. */
  check(action: LimitedAction, keys: LimitKeys): Promise<LimitVerdict>;
};

export type LimitsOptions = {
  /** Where a Redis outage is reported (once when it starts, once when it ends). */
  log?: (message: string) => void;
  now?: () => number;
  /** Called for every check the in-process fallback answers because Redis failed (the metrics count them). */
  onFailOpen?: (rule: string) => void;
};

// Email addresses are kept out of Redis in the clear; a short hash still separates them.
function emailKey(email: string): string {
  return createHash("sha256").update(email.trim().toLowerCase()).digest("base64url").slice(0, 22);
}

function keyValue(kind: KeyKind, keys: LimitKeys): string | null {
  const present = (value: number | string | null | undefined) =>
    value === null || value === undefined || value === "" ? null : String(value);
  const email = present(keys.email);
  const ip = present(keys.ip);
  if (kind === "email") return email && emailKey(email);
  if (kind === "emailIp") return email && ip && `${emailKey(email)}:${ip}`;
  return kind === "ip" ? ip : present(keys.user);
}

export function retryMessage(action: LimitedAction, seconds: number): string {
  return `Too many ${ACTIONS[action].noun}: try again in ${seconds} second${seconds === 1 ? "" : "s"}`;
}

/**
 * Whether a text is exactly one of retryMessage's, for a page that shows a message it received in
 * its URL (next-auth's `?error=`): only this app's own refusal is shown as given.
 */
export function isRetryMessage(action: LimitedAction, text: string): boolean {
  const seconds = /(\d+) seconds?$/.exec(text)?.[1];
  return seconds !== undefined && text === retryMessage(action, Number(seconds));
}

export function createLimits(config: LimitsConfig, options: LimitsOptions = {}): Limits {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.warn(message));
  const memory = new Map<RuleName, MemoryWindow>();
  const fallback = new Map<RuleName, MemoryWindow>();
  for (const [name, rate] of Object.entries(config.rules) as [RuleName, Rate | null][]) {
    if (rate) memory.set(name, new MemoryWindow(rate, now));
    const failOpen = config.fallback[name];
    if (failOpen) fallback.set(name, new MemoryWindow(failOpen, now));
  }

  const redis = config.redis
    ? new Redis({ url: config.redis.url, token: config.redis.token, retry: false, enableTelemetry: false })
    : null;
  const remote = new Map<RuleName, Ratelimit>();
  if (redis) {
    for (const [name, rate] of Object.entries(config.rules) as [RuleName, Rate | null][]) {
      if (!rate) continue;
      remote.set(
        name,
        new Ratelimit({
          redis,
          limiter: Ratelimit.slidingWindow(rate.max, `${rate.windowMs / 1000} s`),
          prefix: `${config.prefix}:${name}`,
          timeout: config.redisTimeoutMs,
          analytics: false,
        }),
      );
    }
  }

  // A slow or failed Redis would otherwise cost every limited call the whole timeout.
  const breaker = new CircuitBreaker(config.redisBreakMs, now);
  function reportRedisFailure(reason: string) {
    if (!breaker.failed()) return;
    log(
      `[limits] Redis rate limiter failed, using in-process limits for now (Redis is retried every ${config.redisBreakMs / 1000} s): ${reason}`,
    );
  }

  async function checkRule(name: RuleName, key: string): Promise<Outcome> {
    const ratelimit = remote.get(name);
    if (!ratelimit) return memory.get(name)?.limit(key) ?? { success: true, reset: 0 };
    if (breaker.allow()) {
      try {
        const result = await inSpan(
          "redis ratelimit",
          { "db.system": "redis", "steadystar.limit.rule": name },
          () => ratelimit.limit(key),
        );
        // On its timeout the library answers "success"; that is an outage, not a verdict.
        if (result.reason !== "timeout") {
          const outageMs = breaker.succeeded();
          if (outageMs !== null)
            log(`[limits] Redis rate limiter is back after ${Math.round(outageMs / 1000)} s`);
          return result;
        }
        reportRedisFailure(`no answer within ${config.redisTimeoutMs} ms`);
      } catch (error) {
        reportRedisFailure(error instanceof Error ? error.message : String(error));
      }
    }
    options.onFailOpen?.(name);
    return fallback.get(name)?.limit(key) ?? { success: true, reset: 0 };
  }

  return {
    async check(action, keys) {
      const rules = ACTIONS[action].keys.flatMap((kind: KeyKind) => {
        const name = `${action}.${kind}` as RuleName;
        const value = keyValue(kind, keys);
        return config.rules[name] && value !== null ? [{ name, value }] : [];
      });
      // In parallel, so the Redis client's auto-pipelining sends every rule in one round trip.
      const outcomes = await Promise.all(rules.map(({ name, value }) => checkRule(name, value)));
      const blocked = outcomes.filter((outcome) => !outcome.success);
      if (blocked.length === 0) return { ok: true };
      const reset = Math.max(...blocked.map((outcome) => outcome.reset));
      const retryAfterSeconds = Math.max(1, Math.ceil((reset - now()) / 1000));
      return { ok: false, retryAfterSeconds, message: retryMessage(action, retryAfterSeconds) };
    },
  };
}

/**
 * No limits at all, for in-process callers that must not be limited (command-line scripts, the
 * seed, tests of other features). A request context always names its limits, so a new entry point
 * cannot drop them by leaving them out.
 */
export const UNLIMITED: Limits = { check: async () => ({ ok: true }) };
