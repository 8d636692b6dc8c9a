import type { Metadata } from "next";
import { sql } from "drizzle-orm";
import { redirect } from "next/navigation";
import { getDb, rows } from "@/db/client";
import { ModerationTable } from "@/components/moderation-table";
import { getSession } from "@/server/api/rsc";

export const metadata: Metadata = { title: "Moderation · steadystar" };

export default async function ModerationPage() {
  const session = await getSession();
  if (!session) redirect("/signin?callbackUrl=/admin/moderation");
  // The role in the session may be stale: the database decides, as it does for the admin procedures.
  const [user] = await rows<{ role: string }>(await getDb(), sql`select role from users where id = ${session.user.id}`);
  if (user?.role !== "admin") {
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
      <p className="hint">Posts whose recent ratings are held back as bursts, most held first. Locking a post refuses new ratings; its score stays visible.</p>
      <ModerationTable />
    </section>
  );
}
