// Which OAuth providers are enabled, from their environment variables (server/env.ts reads them).
type Env = Record<string, string | undefined>;

export type OAuthCredentials = { clientId: string; clientSecret: string };

export type OAuthConfig = {
  github: OAuthCredentials | null;
  google: OAuthCredentials | null;
  oidc: (OAuthCredentials & { issuer: string; name: string }) | null;
};

export const OAUTH_VARIABLES = [
  "GITHUB_ID",
  "GITHUB_SECRET",
  "GOOGLE_CLIENT_ID",
  "GOOGLE_CLIENT_SECRET",
  "OIDC_ISSUER",
  "OIDC_CLIENT_ID",
  "OIDC_CLIENT_SECRET",
  "OIDC_NAME",
] as const;

function pair(env: Env, id: string, secret: string): OAuthCredentials | null {
  const clientId = env[id]?.trim();
  const clientSecret = env[secret]?.trim();
  if (Boolean(clientId) !== Boolean(clientSecret))
    throw new Error(`Set both ${id} and ${secret} to enable this sign-in provider, or neither`);
  return clientId && clientSecret ? { clientId, clientSecret } : null;
}

export function oauthConfigFromEnv(env: Env): OAuthConfig {
  const oidc = pair(env, "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET");
  const issuer = env.OIDC_ISSUER?.trim().replace(/\/+$/, "");
  if (Boolean(oidc) !== Boolean(issuer))
    throw new Error("Set OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together, or none of them");
  if (issuer && !/^https?:\/\/\S+$/.test(issuer))
    throw new Error(`OIDC_ISSUER="${issuer}" is not an http(s) URL`);
  return {
    github: pair(env, "GITHUB_ID", "GITHUB_SECRET"),
    google: pair(env, "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"),
    oidc: oidc && issuer ? { ...oidc, issuer, name: env.OIDC_NAME?.trim() || "OpenID Connect" } : null,
  };
}
