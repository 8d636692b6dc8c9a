// Every environment variable the server reads, in one place (README lists the same set).

const DEV_AUTH_SECRET = "steadystar-development-only-secret-do-not-use-in-production";

export function isProduction(): boolean {
  return process.env.NODE_ENV === "production";
}

/**
 * The secret that signs session tokens. Development and tests get a fixed one so `npm run dev`
 * needs no configuration; a production server refuses to start without a real one.
 */
export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET;
  if (secret) return secret;
  if (isProduction() && process.env.STEADYSTAR_ALLOW_DEV_SECRET !== "1") {
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
export function configurationProblem(): string | null {
  try {
    authSecret();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
