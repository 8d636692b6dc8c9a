import type { Metadata } from "next";
import { SignInForm } from "@/components/auth-forms";
import { isRetryMessage } from "@/server/limits";

export const metadata: Metadata = { title: "Sign in · steadystar" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const { callbackUrl, error } = await searchParams;
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {error && (
        <p className="error" role="alert">
          {/* ?error= comes from the URL: only our own rate-limit message is shown as given. */}
          {isRetryMessage("signin", error) ? error : "Email or password is incorrect."}
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} />
    </section>
  );
}
