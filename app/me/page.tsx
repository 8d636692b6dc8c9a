import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { ProfileView } from "@/components/profile-view";
import { RatingsPublicToggle } from "@/components/ratings-public-toggle";
import { getQueryClient, getSession, trpcServer } from "@/server/api/rsc";

export const metadata: Metadata = { title: "My page · steadystar", robots: { index: false } };

export default async function MePage() {
  const session = await getSession();
  if (!session) redirect("/signin?callbackUrl=/me");
  const profile = await getQueryClient().fetchQuery(
    trpcServer.user.profile.queryOptions({ id: session.user.id }),
  );
  return (
    <section className="narrow wide">
      <h1>My page</h1>
      <p>
        Your public profile: <Link href={`/users/${profile.id}`}>{profile.name}</Link>
      </p>
      <RatingsPublicToggle ratingsPublic={profile.ratingsPublic} />
      <ProfileView profile={profile} own />
    </section>
  );
}
