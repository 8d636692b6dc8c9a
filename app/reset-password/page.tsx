import type { Metadata } from "next";
import { ResetPasswordForm } from "@/components/account-forms";

export const metadata: Metadata = { title: "Choose a new password · steadystar", referrer: "no-referrer" };

export default function ResetPasswordPage() {
  return (
    <section className="narrow">
      <h1>Choose a new password</h1>
      <ResetPasswordForm />
    </section>
  );
}
