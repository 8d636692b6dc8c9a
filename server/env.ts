import { z } from "zod";
import type { DatabaseOptions } from "@/db/client";
import { jobMode, type JobMode } from "@/server/jobs/schedule";
import { proxyTrustFromEnv, type ProxyTrust } from "@/server/client-address";
import { limitsConfigFromEnv, type LimitsConfig } from "@/server/limits";
import { OPERATIONS_VARIABLES, operationsConfig, type OperationsConfig } from "@/server/operations/config";
import { mailConfigFromEnv, type MailConfig } from "@/server/mail/config";
import { OAUTH_VARIABLES, oauthConfigFromEnv, type OAuthConfig } from "@/server/oauth-config";
import { engineConfig, type EngineConfig } from "@/server/ratings/config";

// The server's configuration: every environment variable the code reads, validated once per process.
// README's configuration table and .env.example list exactly these names (a test checks both), and
// no other module reads process.env. Client components read no environment at all: what the
// browser needs, the server passes down as props.

type Env = Record<string, string | undefined>;

const flag = z.enum(["", "0", "1"]).optional();
const optionalText = z
  .string()
  .optional()
  .transform((value) => value?.trim() || undefined);

/** The variables this module parses itself; the engine, jobs and limits parsers read theirs below. */
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).optional(),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL")
      .optional(),
  ),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(10),
  DATABASE_PREPARE: flag,
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).default(5_000),
  DATABASE_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).default(5_000),
  DATABASE_JOBS_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(2),
  PGLITE_DIR: optionalText,
  VERCEL: optionalText,
  ADMIN_EMAILS: z.string().default(""),
  NEXTAUTH_SECRET: optionalText,
  NEXTAUTH_URL: optionalText.pipe(z.url().optional()),
  STEADYSTAR_ALLOW_DEV_SECRET: flag,
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  STEADYSTAR_SCHEDULER: z.enum(["", "on", "off"]).optional(),
  INNGEST_EVENT_KEY: optionalText,
});

/**
 * Read by the engine, jobs, limits, operations, mail and OAuth parsers (server/ratings/config.ts,
 * server/jobs/schedule.ts, server/limits.ts, server/operations/config.ts, server/mail/config.ts,
 * server/oauth-config.ts).
 */
const DELEGATED = [
  "RATING_WINDOW_SECONDS",
  "SCORE_POLICY",
  "INNGEST_SIGNING_KEY",
  "INNGEST_DEV",
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "LIMIT_RATING_USER",
  "LIMIT_RATING_IP",
  "LIMIT_POST_USER",
  "LIMIT_POST_IP",
  "LIMIT_REGISTER_IP",
  "LIMIT_SIGNIN_EMAIL",
  "LIMIT_SIGNIN_EMAIL_IP",
  "LIMIT_SIGNIN_IP",
  "LIMIT_FAILOPEN_RATING",
  "LIMIT_REDIS_TIMEOUT_MS",
  "LIMIT_REDIS_BREAK_SECONDS",
  ...OPERATIONS_VARIABLES,
  "TRUST_PROXY",
  "LIMIT_RESET_EMAIL",
  "LIMIT_RESET_IP",
  "LIMIT_RESET_ACCOUNT",
  "LIMIT_ACCOUNT_MAIL_USER",
  "LIMIT_PASSWORD_CHECK_USER",
  "SMTP_URL",
  "MAIL_FROM",
  ...OAUTH_VARIABLES,
] as const;

/** Every variable the server reads (the README table and .env.example list the same). */
export const SERVER_VARIABLES: readonly string[] = [...Object.keys(schema.shape), ...DELEGATED];

export type ServerConfig = {
  production: boolean;
  database: DatabaseOptions;
  /** NEXTAUTH_SECRET, or null: see authSecret(). */
  authSecret: string | null;
  allowDevSecret: boolean;
  /** NEXTAUTH_URL: an https:// URL means next-auth's `__Secure-` cookie names. */
  nextAuthUrl: string | null;
  adminEmails: readonly string[];
  /** The port `next start` listens on; server rendering reaches /api/trpc through it. */
  port: number;
  engine: EngineConfig;
  jobs: { mode: JobMode; embeddedScheduler: boolean };
  limits: LimitsConfig;
  operations: OperationsConfig;
  /** TRUST_PROXY: which source of the client's address to believe. */
  proxyTrust: ProxyTrust;
  mail: MailConfig;
  oauth: OAuthConfig;
};

/** Parses an environment; throws one message naming each bad variable. Pure: tests pass their own env. */
export function parseServerConfig(env: Env): ServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  const mode = jobMode(env);
  return {
    production: e.NODE_ENV === "production",
    database: {
      url: e.DATABASE_URL ?? null,
      poolSize: e.DATABASE_POOL_SIZE,
      prepare: e.DATABASE_PREPARE === "1",
      pgliteDir: e.PGLITE_DIR ?? null,
      serverless: Boolean(e.VERCEL),
      connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: e.DATABASE_QUERY_TIMEOUT_MS,
      jobsPoolSize: e.DATABASE_JOBS_POOL_SIZE,
    },
    authSecret: e.NEXTAUTH_SECRET ?? null,
    allowDevSecret: e.STEADYSTAR_ALLOW_DEV_SECRET === "1",
    nextAuthUrl: e.NEXTAUTH_URL ?? null,
    adminEmails: e.ADMIN_EMAILS.split(",")
      .map((email) => email.trim().toLowerCase())
      .filter(Boolean),
    port: e.PORT,
    engine: engineConfig(env),
    jobs: { mode, embeddedScheduler: mode === "embedded" && e.STEADYSTAR_SCHEDULER !== "off" },
    limits: limitsConfigFromEnv(env),
    operations: operationsConfig(env),
    proxyTrust: proxyTrustFromEnv(env),
    mail: mailConfigFromEnv(env),
    oauth: oauthConfigFromEnv(env),
  };
}

let processConfig: ServerConfig | undefined;

/** This process's configuration, parsed from process.env on first use and kept. */
export function serverConfig(): ServerConfig {
  processConfig ??= parseServerConfig(process.env);
  return processConfig;
}

const DEV_AUTH_SECRET = "steadystar-development-only-secret-do-not-use-in-production";

/**
 * The secret that signs session tokens. Development and tests get a fixed one so `npm run dev`
 * needs no configuration; a production server refuses every session without a real one. Checked
 * when used, not at start, because `next build` runs in production mode without runtime secrets.
 */
export function authSecret(config: ServerConfig = serverConfig()): string {
  if (config.authSecret) return config.authSecret;
  if (config.production && !config.allowDevSecret) {
    throw new Error(
      "NEXTAUTH_SECRET is not set. Generate one with `openssl rand -base64 32` and set it in the environment.",
    );
  }
  return DEV_AUTH_SECRET;
}

/**
 * What keeps this process from serving, from its configuration alone (null when nothing): a
 * production server without NEXTAUTH_SECRET answers 500 on every page, so it must not look healthy.
 */
export function configurationProblem(config: ServerConfig = serverConfig()): string | null {
  try {
    authSecret(config);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
