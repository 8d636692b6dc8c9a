"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import { createPostInput } from "@/server/api/inputs";
import { Field, FormError, SubmitButton, TextArea } from "./field";
import { useTRPC } from "./trpc";
import { useFormErrors } from "./use-form-errors";

export function CreatePostForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const create = useMutation(trpc.post.create.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = validate(createPostInput, Object.fromEntries(new FormData(event.currentTarget)));
    if (!values) return;
    try {
      const post = await create.mutateAsync(values);
      await queryClient.invalidateQueries(trpc.post.list.pathFilter());
      router.push(`/posts/${post.id}`);
    } catch (error) {
      fromServer(error);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <Field label="Title" name="title" required maxLength={200} error={fieldErrors.title} />
      <TextArea
        label="Content"
        name="content"
        required
        rows={12}
        maxLength={20_000}
        error={fieldErrors.content}
      />
      <FormError message={formError} />
      <SubmitButton pending={create.isPending} label="Publish" pendingLabel="Publishing…" />
    </form>
  );
}
