"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { z } from "zod";
import { newPassword, requestPasswordResetInput } from "@/server/api/inputs";
import { EmailField, PasswordField } from "./credential-fields";
import { FormError, SubmitButton } from "./field";
import { useTRPC } from "./trpc";
import { useFormErrors, type FieldErrors } from "./use-form-errors";
import { useSession, useUpdateSession } from "./session";

function subscribeToHash(onChange: () => void) {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

/** The token of a mailed link, which carries it as #token=… so it never reaches a server log. */
function useLinkToken(): string | null {
  const hash = useSyncExternalStore(
    subscribeToHash,
    () => window.location.hash,
    () => "",
  );
  return new URLSearchParams(hash.replace(/^#/, "")).get("token");
}

/**
 * A refused link as a sentence. The server puts it on the token field ("this link is invalid, …" or
 * zod's "must not be empty"), which these forms do not show as an input.
 */
function linkError(fieldErrors: FieldErrors, formError: string | null): string | null {
  return fieldErrors.token?.replace(/^(this link )?/, "This link ") ?? formError;
}

const MISSING_TOKEN =
  "This link is incomplete: open the whole link from the mail (copying only part of it loses the token).";

/** A button rather than an automatic request, so a mail scanner that opens links cannot use it up. */
export function ConfirmEmail() {
  const trpc = useTRPC();
  const token = useLinkToken();
  const { status } = useSession();
  const update = useUpdateSession();
  // A signed-in session picks up the change (and a role ADMIN_EMAILS grants) at once.
  const confirm = useMutation(
    trpc.account.confirmEmail.mutationOptions({
      onSuccess: () => (status === "authenticated" ? update() : undefined),
    }),
  );
  const { fieldErrors, formError, fromServer } = useFormErrors();

  if (confirm.isSuccess)
    return (
      <p role="status">
        <strong>{confirm.data.email}</strong> is confirmed. <Link href="/">Back to the posts</Link>
      </p>
    );
  return (
    <div className="form">
      {token ? (
        <button
          type="button"
          disabled={confirm.isPending}
          onClick={() => confirm.mutateAsync({ token }).catch(fromServer)}
        >
          {confirm.isPending ? "Confirming…" : "Confirm my email"}
        </button>
      ) : (
        <p className="error">{MISSING_TOKEN}</p>
      )}
      <FormError message={linkError(fieldErrors, formError)} />
    </div>
  );
}

export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const request = useMutation(trpc.account.requestPasswordReset.mutationOptions());
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = validate(requestPasswordResetInput, Object.fromEntries(new FormData(event.currentTarget)));
    if (values) await request.mutateAsync(values).catch(fromServer);
  }

  if (request.isSuccess) return <p role="status">{request.data.message}</p>;
  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <EmailField error={fieldErrors.email} />
      <FormError message={formError} />
      <SubmitButton pending={request.isPending} label="Send reset link" pendingLabel="Sending…" />
      <p className="hint">
        Remembered it? <Link href="/signin">Sign in</Link>
      </p>
    </form>
  );
}

const newPasswordForm = z
  .object({
    password: newPassword,
    confirm: z.string(),
  })
  .refine((values) => values.password === values.confirm, {
    path: ["confirm"],
    message: "the two passwords differ",
  });

export function ResetPasswordForm() {
  const trpc = useTRPC();
  const token = useLinkToken();
  const reset = useMutation(trpc.account.resetPassword.mutationOptions());
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = validate(newPasswordForm, Object.fromEntries(new FormData(event.currentTarget)));
    if (!values || !token) return;
    try {
      await reset.mutateAsync({ token, password: values.password });
      setDone(true);
    } catch (error) {
      fromServer(error);
    }
  }

  if (done)
    return (
      <p role="status">
        Your password is reset and every session of the account has ended.{" "}
        <Link href="/signin">Sign in with the new password</Link>
      </p>
    );
  if (!token) return <p className="error">{MISSING_TOKEN}</p>;
  return (
    <form onSubmit={onSubmit} noValidate className="form">
      <PasswordField kind="new" label="New password" error={fieldErrors.password} />
      <PasswordField kind="new" label="Repeat the new password" name="confirm" error={fieldErrors.confirm} />
      <FormError message={linkError(fieldErrors, formError)} />
      <SubmitButton pending={reset.isPending} label="Set new password" pendingLabel="Saving…" />
    </form>
  );
}
