import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/account-forms";

export const metadata: Metadata = { title: "Forgot password · steadystar" };

export default function ForgotPasswordPage() {
  return (
    <section className="narrow">
      <h1>Forgot your password?</h1>
      <p className="hint">Enter your account&apos;s email: we mail it a link to choose a new password.</p>
      <ForgotPasswordForm />
    </section>
  );
}
