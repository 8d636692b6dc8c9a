"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Confirm } from "./confirm";
import { useTRPC } from "./trpc";
import { useSession } from "./session";

// The form brings the post schema (zod) with it: loaded when the author opens it, so the post page's
// first load, read mostly by people who are not its author, does not carry it.
const CreatePostForm = dynamic(() => import("./create-post-form").then((m) => m.CreatePostForm), {
  loading: () => <p className="hint">Loading the editor…</p>,
});

type OwnPost = { id: number; title: string; content: string; author: { id: number } };

/** The author's edit and delete (deleting asks first: it cannot be undone). */
export function PostOwnerTools({ post }: { post: OwnPost }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data: session } = useSession();
  const [mode, setMode] = useState<"idle" | "editing" | "confirming">("idle");
  const remove = useMutation(
    trpc.post.delete.mutationOptions({
      onSuccess: async () => {
        queryClient.removeQueries(trpc.post.byId.queryFilter({ id: post.id }));
        await queryClient.invalidateQueries(trpc.post.list.pathFilter());
        router.push("/");
      },
    }),
  );
  if (session?.user.id !== post.author.id) return null;

  if (mode === "editing") {
    return (
      <section className="panel" aria-label="Edit post">
        <CreatePostForm editing={post} onSaved={() => setMode("idle")} />
        <button type="button" onClick={() => setMode("idle")}>
          Cancel
        </button>
      </section>
    );
  }
  return (
    <div className="owner-tools">
      {mode === "confirming" ? (
        <Confirm
          question="Delete this post and all its ratings? This cannot be undone."
          confirmLabel="Yes, delete it"
          pendingLabel="Deleting…"
          cancelLabel="Keep it"
          pending={remove.isPending}
          onConfirm={() => remove.mutate({ postId: post.id })}
          onCancel={() => setMode("idle")}
        />
      ) : (
        <>
          <button type="button" onClick={() => setMode("editing")}>
            Edit
          </button>{" "}
          <button type="button" onClick={() => setMode("confirming")}>
            Delete
          </button>
        </>
      )}
      {remove.isError && (
        <p className="error" role="alert">
          {remove.error.message}
        </p>
      )}
    </div>
  );
}
