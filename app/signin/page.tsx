import type { Metadata } from "next";
import { SignInForm } from "@/components/auth-forms";

export const metadata: Metadata = { title: "Sign in · steadystar" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const { callbackUrl, error } = await searchParams;
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      {error && (
        <p className="error" role="alert">
          {/* next-auth redirects here with ?error=: its own code for a wrong password, our message otherwise. */}
          {error === "CredentialsSignin" ? "Email or password is incorrect." : error.slice(0, 200)}
        </p>
      )}
      <SignInForm callbackUrl={callbackUrl} />
    </section>
  );
}
