import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ModerationTable } from "@/components/moderation-table";
import { getSession } from "@/server/api/rsc";
import { getDb } from "@/server/runtime";
import { isAdmin } from "@/server/users/roles";

export const metadata: Metadata = { title: "Moderation · steadystar" };

export default async function ModerationPage() {
  const session = await getSession();
  if (!session) redirect("/signin?callbackUrl=/admin/moderation");
  // The role in the session may be stale: the database decides, with the admin procedures' check.
  if (!(await isAdmin(await getDb(), session.user.id))) {
    return (
      <section className="narrow empty" role="alert">
        <h1>Admins only</h1>
        <p>Your account cannot moderate posts.</p>
      </section>
    );
  }
  return (
    <section>
      <h1>Moderation</h1>
      <p className="hint">
        Posts whose recent ratings are held back as bursts, most held first. Locking a post refuses new
        ratings; its score stays visible.
      </p>
      <ModerationTable />
    </section>
  );
}
