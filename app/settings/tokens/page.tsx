import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { TokenManager } from "@/components/token-manager";
import { getSession } from "@/server/api/rsc";

export const metadata: Metadata = { title: "API tokens · steadystar" };

export default async function TokensPage() {
  if (!(await getSession())) redirect("/signin?callbackUrl=/settings/tokens");
  return (
    <section className="narrow wide">
      <h1>API tokens</h1>
      <p className="hint">
        Scripts send a token as <code>Authorization: Bearer ss_…</code> to <code>/api/trpc</code> and act as
        you. A token is shown once; only its hash is stored.
      </p>
      <TokenManager />
    </section>
  );
}
