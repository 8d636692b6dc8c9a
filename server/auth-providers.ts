// OAuth providers for next-auth, each enabled by its environment variables (server/oauth-config.ts).
import type { Provider } from "next-auth/providers/index";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { serverConfig } from "./env";
import type { OAuthConfig, OAuthCredentials } from "./oauth-config";
import type { OAuthIdentity } from "./users/oauth";

/** A provider shown on the sign-in page. */
export type ProviderButton = { id: string; name: string };

// A provider profile is not an account; the jwt callback (server/auth.ts) replaces these with the
// linked account's role and session version.
const PLACEHOLDER_ACCOUNT = { role: "user", sessionVersion: 0 } as const;

type GitHubEmail = { email: string; primary: boolean; verified: boolean };

/** GitHub's primary address when GitHub has verified it; null otherwise. */
export function verifiedPrimaryEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const primary = (emails as GitHubEmail[]).find((e) => e?.primary === true && e.verified === true);
  return typeof primary?.email === "string" ? primary.email : null;
}

function github(credentials: OAuthCredentials | null): Provider | null {
  if (!credentials) return null;
  return GitHubProvider({
    ...credentials,
    // The public profile's email may be unverified; the emails endpoint says which one GitHub verified.
    userinfo: {
      url: "https://api.github.com/user",
      async request({ client, tokens }) {
        const profile = await client.userinfo(tokens.access_token ?? "");
        const res = await fetch("https://api.github.com/user/emails", {
          headers: { Authorization: `Bearer ${tokens.access_token}`, "User-Agent": "steadystar" },
        });
        const email = res.ok ? verifiedPrimaryEmail(await res.json()) : null;
        return { ...profile, email: email ?? undefined, email_verified: email !== null };
      },
    },
    profile: (profile) => ({
      id: String(profile.id),
      name: profile.name ?? profile.login,
      email: profile.email,
      image: profile.avatar_url,
      ...PLACEHOLDER_ACCOUNT,
    }),
  });
}

function google(credentials: OAuthCredentials | null): Provider | null {
  if (!credentials) return null;
  return GoogleProvider({
    ...credentials,
    profile: (profile) => ({
      id: profile.sub,
      name: profile.name,
      email: profile.email,
      image: profile.picture,
      ...PLACEHOLDER_ACCOUNT,
    }),
  });
}

/**
 * Any OpenID Connect issuer (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET; OIDC_NAME labels the
 * button): a company's identity provider, or the in-process issuer the end-to-end tests run.
 */
function oidc(config: OAuthConfig["oidc"]): Provider | null {
  if (!config) return null;
  const { issuer, name, ...credentials } = config;
  return {
    id: "oidc",
    name,
    type: "oauth",
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    issuer,
    authorization: { params: { scope: "openid email profile" } },
    idToken: true,
    checks: ["pkce", "state"],
    ...credentials,
    profile: (profile: { sub: string; name?: string; email?: string }) => ({
      id: profile.sub,
      name: profile.name ?? null,
      email: profile.email ?? null,
      ...PLACEHOLDER_ACCOUNT,
    }),
  };
}

/** The enabled providers, in the order the sign-in page shows them. */
export function oauthProviders(config: OAuthConfig = serverConfig().oauth): Provider[] {
  return [github(config.github), google(config.google), oidc(config.oidc)].filter(
    (p): p is Provider => p !== null,
  );
}

export function providerButtons(config: OAuthConfig = serverConfig().oauth): ProviderButton[] {
  return oauthProviders(config).map((p) => ({ id: p.id, name: p.name }));
}

/** What a provider's raw profile says about the identity (every provider here reports email_verified). */
export function identityFromProfile(
  provider: string,
  providerAccountId: string,
  profile: object | undefined,
): OAuthIdentity {
  const claims = { ...profile } as Record<string, unknown>;
  const email = typeof claims.email === "string" ? claims.email : null;
  return {
    provider,
    providerAccountId,
    email,
    emailVerified: email !== null && claims.email_verified === true,
    name: typeof claims.name === "string" ? claims.name : null,
  };
}
