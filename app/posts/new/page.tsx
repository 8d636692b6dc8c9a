import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CreatePostForm } from "@/components/create-post-form";
import { getSession } from "@/server/api/rsc";

export const metadata: Metadata = { title: "New post · steadystar" };

export default async function NewPostPage() {
  if (!(await getSession())) redirect("/signin?callbackUrl=/posts/new");
  return (
    <section className="narrow">
      <h1>New post</h1>
      <CreatePostForm />
    </section>
  );
}
