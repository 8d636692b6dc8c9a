import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LockedPosts } from "@/components/locked-posts";
import { ModerationTable } from "@/components/moderation-table";
import { getSession } from "@/server/api/rsc";
import { listLockedPosts } from "@/server/moderation";
import { getDb } from "@/server/runtime";
import { isAdmin } from "@/server/users/roles";

export const metadata: Metadata = { title: "Moderation · steadystar" };

export default async function ModerationPage() {
  const session = await getSession();
  if (!session) redirect("/signin?callbackUrl=/admin/moderation");
  const db = await getDb();
  // The role in the session may be stale: the database decides, with the admin procedures' check.
  if (!(await isAdmin(db, session.user.id))) {
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
      <h2>Locked posts</h2>
      <p className="hint">Posts locked by a moderator that hold no burst.</p>
      <LockedPosts posts={await listLockedPosts(db)} />
    </section>
  );
}
