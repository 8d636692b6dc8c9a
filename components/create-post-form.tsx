"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { createPostInput } from "@/server/api/inputs";
import { Field, FormError, SubmitButton, TextArea } from "./field";
import { useTRPC } from "./trpc";
import { useFormErrors } from "./use-form-errors";

type Editing = { id: number; title: string; content: string };

/** Writes a new post, or (given `editing`) saves the author's changes to one. */
export function CreatePostForm({ editing, onSaved }: { editing?: Editing; onSaved?: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const create = useMutation(trpc.post.create.mutationOptions());
  const update = useMutation(trpc.post.update.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = validate(createPostInput, Object.fromEntries(new FormData(event.currentTarget)));
    if (!values) return;
    try {
      if (editing) {
        await update.mutateAsync({ postId: editing.id, ...values });
        await queryClient.invalidateQueries(trpc.post.pathFilter());
        onSaved?.();
        return;
      }
      const post = await create.mutateAsync(values);
      await queryClient.invalidateQueries(trpc.post.list.pathFilter());
      router.push(`/posts/${post.id}`);
    } catch (error) {
      fromServer(error);
    }
  }

  return (
    <form onSubmit={onSubmit} method="post" noValidate className="form">
      <Field
        label="Title"
        name="title"
        required
        maxLength={200}
        defaultValue={editing?.title}
        error={fieldErrors.title}
      />
      <TextArea
        label="Content"
        name="content"
        required
        rows={12}
        maxLength={20_000}
        defaultValue={editing?.content}
        error={fieldErrors.content}
      />
      <FormError message={formError} />
      {editing ? (
        <SubmitButton pending={update.isPending} label="Save changes" pendingLabel="Saving…" />
      ) : (
        <SubmitButton pending={create.isPending} label="Publish" pendingLabel="Publishing…" />
      )}
    </form>
  );
}
