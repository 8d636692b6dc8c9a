import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OAuthButtons, SignInForm } from "@/components/auth-forms";
import { sameOriginPath } from "@/server/callback-url";
import { getSession } from "@/server/api/rsc";
import { serverConfig } from "@/server/env";
import { providerButtons } from "@/server/auth-providers";
import { isRetryMessage } from "@/server/limits";

export const metadata: Metadata = { title: "Sign in · steadystar" };

// ?error= comes from the URL: only these known codes and our own rate-limit message are shown as such.
const OAUTH_ERRORS: Record<string, string> = {
  OAuthEmailUnverified:
    "The provider did not confirm an email address for your account there: verify your email with the provider, then try again.",
  OAuthLinkUnverified:
    "An account with this email already exists. Sign in with its password and confirm the email in Settings; then the provider can sign you in too.",
  OAuthSignin: "Signing in with the provider could not start. Try again.",
  OAuthCallback: "The provider's answer could not be checked. Try again.",
};

function errorMessage(error: string): string {
  if (isRetryMessage("signin", error)) return error;
  return OAUTH_ERRORS[error] ?? "Email or password is incorrect.";
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const { callbackUrl, error } = await searchParams;
  // Already signed in: go where signing in would have led (only ever a path on this site).
  if (await getSession())
    redirect(sameOriginPath(callbackUrl, serverConfig().nextAuthUrl ?? "http://localhost"));
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {error && (
        <p className="error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} />
      <OAuthButtons providers={providerButtons()} callbackUrl={callbackUrl} />
    </section>
  );
}
