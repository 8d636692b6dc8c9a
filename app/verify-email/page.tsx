import type { Metadata } from "next";
import { ConfirmEmail } from "@/components/account-forms";

export const metadata: Metadata = { title: "Confirm your email · steadystar", referrer: "no-referrer" };

export default function VerifyEmailPage() {
  return (
    <section className="narrow">
      <h1>Confirm your email</h1>
      <ConfirmEmail />
    </section>
  );
}
