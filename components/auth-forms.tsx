"use client";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { z } from "zod";
import { registerInput } from "@/server/api/inputs";
import { sameOriginPath } from "@/server/callback-url";
import { EmailField, PasswordField } from "./credential-fields";
import { Field, FormError, SubmitButton } from "./field";
import { useTRPC } from "./trpc";
import { useFormErrors } from "./use-form-errors";

const signInInput = z.object({
  email: z.string().trim().min(1, "enter your email"),
  password: z.string().min(1, "enter your password"),
});

/** Null on success, otherwise what to tell the user (a rate-limit message passes through as is). */
export async function signInWith(email: string, password: string): Promise<string | null> {
  const result = await signIn("credentials", { email, password, redirect: false }).catch(() => null);
  if (result?.ok && !result.error) return null;
  if (result?.error && result.error !== "CredentialsSignin") return result.error;
  return result ? "Email or password is incorrect." : "Network error: check your connection and try again.";
}

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const router = useRouter();
  const { fieldErrors, formError, setFormError, validate } = useFormErrors();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = validate(signInInput, Object.fromEntries(new FormData(event.currentTarget)));
    if (!values) return;
    setPending(true);
    const failure = await signInWith(values.email, values.password);
    setPending(false);
    if (failure) return setFormError(failure);
    router.push(sameOriginPath(callbackUrl, window.location.origin));
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} method="post" noValidate className="form">
      <EmailField error={fieldErrors.email} />
      <PasswordField kind="current" error={fieldErrors.password} />
      <FormError message={formError} />
      <SubmitButton pending={pending} label="Sign in" pendingLabel="Signing in…" />
      <p className="hint">
        <Link href="/forgot-password">Forgot password?</Link> · No account?{" "}
        <Link href="/register">Register</Link>
      </p>
    </form>
  );
}

export function RegisterForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const { fieldErrors, formError, setFormError, validate, fromServer } = useFormErrors();
  const register = useMutation(trpc.user.register.mutationOptions());

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const values = validate(registerInput, Object.fromEntries(new FormData(event.currentTarget)));
    if (!values) return;
    try {
      await register.mutateAsync(values);
    } catch (error) {
      return fromServer(error);
    }
    const failure = await signInWith(values.email, values.password);
    if (failure) return setFormError(`Your account was created, but signing in failed: ${failure}`);
    router.push("/");
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} method="post" noValidate className="form">
      <EmailField error={fieldErrors.email} />
      <Field
        label="Name"
        name="name"
        autoComplete="nickname"
        required
        maxLength={80}
        error={fieldErrors.name}
      />
      <PasswordField kind="new" error={fieldErrors.password} />
      <FormError message={formError} />
      <SubmitButton pending={register.isPending} label="Create account" pendingLabel="Creating account…" />
      <p className="hint">
        Have an account? <Link href="/signin">Sign in</Link>
      </p>
    </form>
  );
}

/** One button per enabled OAuth provider (none when no provider is configured). */
export function OAuthButtons({
  providers,
  callbackUrl,
}: {
  providers: { id: string; name: string }[];
  callbackUrl?: string;
}) {
  if (providers.length === 0) return null;
  return (
    <div className="form oauth">
      <p className="hint">Or sign in with</p>
      {providers.map((provider) => (
        <button
          key={provider.id}
          type="button"
          className="secondary"
          onClick={() =>
            signIn(provider.id, { callbackUrl: sameOriginPath(callbackUrl, window.location.origin) })
          }
        >
          {provider.name}
        </button>
      ))}
    </div>
  );
}
