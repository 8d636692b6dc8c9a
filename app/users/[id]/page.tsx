import type { Metadata } from "next";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { ProfileView } from "@/components/profile-view";
import { getQueryClient, getSession, trpcServer } from "@/server/api/rsc";
import type { Profile } from "@/server/users/profile";

function parseId(raw: string): number | null {
  const id = Number(raw);
  return /^\d{1,10}$/.test(raw) && Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647 ? id : null;
}

async function loadProfile(raw: string): Promise<Profile> {
  const id = parseId(raw);
  if (id === null) notFound();
  try {
    return await getQueryClient().fetchQuery(trpcServer.user.profile.queryOptions({ id }));
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const profile = await loadProfile((await params).id);
  return { title: `${profile.name} · steadystar`, description: `Posts and ratings by ${profile.name}.` };
}

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const [profile, session] = await Promise.all([loadProfile((await params).id), getSession()]);
  return (
    <section className="narrow wide">
      <h1>{profile.name}</h1>
      <ProfileView profile={profile} own={session?.user.id === profile.id} />
    </section>
  );
}
