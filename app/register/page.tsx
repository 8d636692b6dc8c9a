import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { RegisterForm } from "@/components/auth-forms";
import { getSession } from "@/server/api/rsc";

export const metadata: Metadata = { title: "Register · steadystar" };

export default async function RegisterPage() {
  // A signed-in visitor has an account already: the form would only confuse.
  if (await getSession()) redirect("/");
  return (
    <section className="narrow">
      <h1>Create an account</h1>
      <RegisterForm />
    </section>
  );
}
