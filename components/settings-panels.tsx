"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import {
  changeEmailInput,
  changeNameInput,
  changePasswordInput,
  deleteAccountInput,
} from "@/server/api/inputs";
import type { AccountOverview } from "@/server/users/settings";
import { signInWith } from "./auth-forms";
import { EmailField, PasswordField } from "./credential-fields";
import { Field, FormError, SubmitButton } from "./field";
import { useTRPC } from "./trpc";
import { useFormErrors } from "./use-form-errors";
import { useSignOutTo } from "./use-sign-out";
import { useUpdateSession } from "./session";

function formValues(event: FormEvent<HTMLFormElement>) {
  event.preventDefault();
  return Object.fromEntries(new FormData(event.currentTarget));
}

function Saved({ message }: { message: string | null }) {
  return message ? (
    <p className="hint" role="status">
      {message}
    </p>
  ) : null;
}

function useRefreshAccount() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.account.me.queryFilter());
}

function NamePanel({ account }: { account: AccountOverview }) {
  const trpc = useTRPC();
  const refresh = useRefreshAccount();
  const update = useUpdateSession();
  const change = useMutation(trpc.account.changeName.mutationOptions({ onSuccess: refresh }));
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const [saved, setSaved] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    const values = validate(changeNameInput, formValues(event));
    setSaved(null);
    if (!values) return;
    try {
      const { name } = await change.mutateAsync(values);
      await update();
      setSaved(`Saved: you are now “${name}”.`);
    } catch (error) {
      fromServer(error);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-labelledby="name-heading">
      <h2 id="name-heading">Your name</h2>
      <Field
        label="Display name"
        name="name"
        defaultValue={account.name}
        maxLength={80}
        required
        autoComplete="nickname"
        error={fieldErrors.name}
      />
      <FormError message={formError} />
      <Saved message={saved} />
      <SubmitButton pending={change.isPending} label="Save name" pendingLabel="Saving…" />
    </form>
  );
}

function EmailPanel({ account }: { account: AccountOverview }) {
  const trpc = useTRPC();
  const refresh = useRefreshAccount();
  const change = useMutation(trpc.account.changeEmail.mutationOptions({ onSuccess: refresh }));
  const resend = useMutation(trpc.account.resendVerification.mutationOptions());
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const [saved, setSaved] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    // The field is "Your password" here, so the page has one "Current password" (in the password form).
    const { emailPassword, ...rest } = formValues(event);
    const values = validate(changeEmailInput, { ...rest, currentPassword: emailPassword });
    setSaved(null);
    if (!values) return;
    try {
      const { pendingEmail } = await change.mutateAsync(values);
      form.reset();
      setSaved(`Follow the link we mailed to ${pendingEmail} to move your account there.`);
    } catch (error) {
      fromServer(error);
    }
  }

  async function onResend() {
    setSaved(null);
    try {
      await resend.mutateAsync();
      setSaved(`A new confirmation link is on its way to ${account.email}.`);
    } catch (error) {
      fromServer(error);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-labelledby="email-heading">
      <h2 id="email-heading">Email</h2>
      <p>
        <strong>{account.email}</strong>{" "}
        {account.emailVerified ? (
          <span className="badge">verified</span>
        ) : (
          <>
            <span className="badge warn">not verified</span>{" "}
            <button type="button" className="link" onClick={onResend} disabled={resend.isPending}>
              Resend the confirmation link
            </button>
          </>
        )}
      </p>
      {account.pendingEmail && (
        <p className="hint">
          Waiting for you to confirm {account.pendingEmail} (see the link we mailed there).
        </p>
      )}
      {account.hasPassword ? (
        <>
          <EmailField label="New email" error={fieldErrors.email} />
          <PasswordField
            kind="current"
            label="Your password"
            name="emailPassword"
            error={fieldErrors.currentPassword}
          />
          <FormError message={formError} />
          <Saved message={saved} />
          <SubmitButton pending={change.isPending} label="Change email" pendingLabel="Sending link…" />
        </>
      ) : (
        <>
          <FormError message={formError} />
          <Saved message={saved} />
          <p className="hint">
            To change your email, first set a password with{" "}
            <Link href="/forgot-password">Forgot password</Link>.
          </p>
        </>
      )}
    </form>
  );
}

function PasswordPanel({ account }: { account: AccountOverview }) {
  const trpc = useTRPC();
  const router = useRouter();
  const change = useMutation(trpc.account.changePassword.mutationOptions());
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const [saved, setSaved] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    const values = validate(changePasswordInput, formValues(event));
    setSaved(null);
    if (!values) return;
    try {
      await change.mutateAsync(values);
      form.reset();
      // The change ended every session of the account, this one included: sign in again at once.
      const failure = await signInWith(account.email, values.newPassword);
      if (failure) {
        router.push("/signin?callbackUrl=/settings");
        return;
      }
      setSaved("Password changed. Your other sessions have ended.");
    } catch (error) {
      fromServer(error);
    }
  }

  if (!account.hasPassword)
    return (
      <section aria-labelledby="password-heading" className="form">
        <h2 id="password-heading">Password</h2>
        <p className="hint">
          You sign in with {account.providers.join(", ") || "a provider"}. To add a password, use{" "}
          <Link href="/forgot-password">Forgot password</Link>.
        </p>
      </section>
    );
  return (
    <form onSubmit={onSubmit} noValidate className="form" aria-labelledby="password-heading">
      <h2 id="password-heading">Password</h2>
      <PasswordField
        kind="current"
        label="Current password"
        name="currentPassword"
        error={fieldErrors.currentPassword}
      />
      <PasswordField kind="new" label="New password" name="newPassword" error={fieldErrors.newPassword} />
      <FormError message={formError} />
      <Saved message={saved} />
      <SubmitButton pending={change.isPending} label="Change password" pendingLabel="Saving…" />
    </form>
  );
}

/**
 * Sessions are signed cookies, not rows: they cannot be listed one by one, but raising the
 * account's session version ends all of them at once.
 */
function SessionsPanel() {
  const trpc = useTRPC();
  const signOutTo = useSignOutTo();
  const endAll = useMutation(trpc.account.signOutEverywhere.mutationOptions());
  const { formError, fromServer } = useFormErrors();
  const [pending, setPending] = useState(false);

  async function onSignOutEverywhere() {
    setPending(true);
    try {
      await endAll.mutateAsync();
    } catch (error) {
      setPending(false);
      return fromServer(error);
    }
    // This browser's session ended with the others; clear its cookie too.
    await signOutTo("/signin");
  }

  return (
    <section aria-labelledby="sessions-heading" className="form">
      <h2 id="sessions-heading">Sessions</h2>
      <p className="hint">
        Signing out ends this browser&apos;s session. To end every session of your account, in every browser
        and device, sign out everywhere; changing or resetting your password does too.
      </p>
      <FormError message={formError} />
      <button type="button" className="secondary" onClick={onSignOutEverywhere} disabled={pending}>
        {pending ? "Signing out…" : "Sign out everywhere"}
      </button>
    </section>
  );
}

function DeletePanel({ account }: { account: AccountOverview }) {
  const trpc = useTRPC();
  const signOutTo = useSignOutTo();
  const remove = useMutation(trpc.account.delete.mutationOptions());
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const [open, setOpen] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    const values = validate(deleteAccountInput, formValues(event));
    if (!values) return;
    try {
      await remove.mutateAsync(values);
    } catch (error) {
      return fromServer(error);
    }
    // The account's sessions ended with it; clear this browser's cookie too.
    await signOutTo("/?deleted=1");
  }

  return (
    <section aria-labelledby="delete-heading" className="form danger-zone">
      <h2 id="delete-heading">Delete account</h2>
      <p className="hint">
        Your ratings are removed from every score. Your posts stay, shown as by “deleted user”. This cannot be
        undone.
      </p>
      {!open ? (
        <button type="button" className="danger" onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      ) : (
        <form onSubmit={onSubmit} noValidate className="form">
          <EmailField
            label={`Type your email (${account.email}) to confirm`}
            autoComplete="off"
            error={fieldErrors.email}
          />
          {account.hasPassword && <PasswordField kind="current" error={fieldErrors.password} />}
          <FormError message={formError} />
          <SubmitButton
            pending={remove.isPending}
            label="Delete my account for good"
            pendingLabel="Deleting…"
          />
        </form>
      )}
    </section>
  );
}

export function SettingsPanels() {
  const trpc = useTRPC();
  const account = useQuery(trpc.account.me.queryOptions());
  if (account.isPending) return <p className="hint">Loading your account…</p>;
  if (account.isError) return <p role="alert">Your account could not be loaded: {account.error.message}</p>;
  return (
    <div className="settings">
      <NamePanel account={account.data} />
      <EmailPanel account={account.data} />
      <PasswordPanel account={account.data} />
      <SessionsPanel />
      <section aria-labelledby="tokens-heading" className="form">
        <h2 id="tokens-heading">API tokens</h2>
        <p className="hint">
          Scripts act as you with a token. <Link href="/settings/tokens">Manage API tokens</Link>
        </p>
      </section>
      <DeletePanel account={account.data} />
    </div>
  );
}
