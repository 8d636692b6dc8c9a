import type { Metadata } from "next";
import { RegisterForm } from "@/components/auth-forms";

export const metadata: Metadata = { title: "Register · steadystar" };

export default function RegisterPage() {
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <RegisterForm />
    </section>
  );
}
