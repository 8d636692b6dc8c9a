"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { createTokenInput } from "@/server/api/inputs";
import type { ApiTokenInfo } from "@/server/users/tokens";
import { Confirm } from "./confirm";
import { Field, FormError, SubmitButton } from "./field";
import { formatDateTime } from "./format";
import { TableHead } from "./table-head";
import { useTRPC } from "./trpc";
import { useFormErrors } from "./use-form-errors";

/** How long "Copied" stays on the button after a copy. */
const COPIED_MS = 4_000;

function NewToken({ name, token }: { name: string; token: string }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (copy !== "copied") return;
    const timer = setTimeout(() => setCopy("idle"), COPIED_MS);
    return () => clearTimeout(timer);
  }, [copy]);

  async function onCopy() {
    try {
      // navigator.clipboard exists only in secure contexts (https or localhost).
      if (!navigator.clipboard) throw new Error("no clipboard");
      await navigator.clipboard.writeText(token);
      setCopy("copied");
    } catch {
      setCopy("failed");
    }
  }

  return (
    <div className="banner" role="status">
      <p>
        <strong>Copy the token “{name}” now:</strong> it will not be shown again.
      </p>
      <code className="token" data-testid="new-token">
        {token}
      </code>{" "}
      <button type="button" className="link" onClick={onCopy}>
        {copy === "copied" ? "Copied ✓" : "Copy"}
      </button>
      <span aria-live="polite" className={copy === "failed" ? "error" : "hint"}>
        {copy === "copied"
          ? " Copied to the clipboard."
          : copy === "failed"
            ? " Could not copy: select the token and copy it by hand."
            : ""}
      </span>
    </div>
  );
}

function TokenRow({ token }: { token: ApiTokenInfo }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(
    trpc.token.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.token.list.queryFilter()),
    }),
  );
  return (
    <tr>
      <td>{token.name}</td>
      <td>
        <code>{token.prefix}…</code>
      </td>
      <td>
        <time dateTime={token.createdAt}>{formatDateTime(token.createdAt)}</time>
      </td>
      <td>
        {token.lastUsedAt ? (
          <time dateTime={token.lastUsedAt}>{formatDateTime(token.lastUsedAt)}</time>
        ) : (
          "never"
        )}
      </td>
      <td>
        {confirming ? (
          // Revoking cannot be undone and breaks every script using the token: ask first.
          <Confirm
            question={`Revoke “${token.name}”? Scripts using it stop working at once.`}
            confirmLabel="Yes, revoke"
            pendingLabel="Revoking…"
            cancelLabel="Keep it"
            pending={revoke.isPending}
            error={revoke.error?.message}
            onConfirm={() => revoke.mutate({ id: token.id })}
            onCancel={() => setConfirming(false)}
          />
        ) : (
          <button type="button" onClick={() => setConfirming(true)} aria-label={`Revoke ${token.name}`}>
            Revoke
          </button>
        )}
      </td>
    </tr>
  );
}

export function TokenManager() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.token.list.queryOptions());
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const [fresh, setFresh] = useState<{ name: string; token: string } | null>(null);
  const create = useMutation(
    trpc.token.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.token.list.queryFilter()),
    }),
  );

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const values = validate(createTokenInput, Object.fromEntries(new FormData(form)));
    if (!values) return;
    try {
      const created = await create.mutateAsync(values);
      setFresh({ name: created.name, token: created.token });
      form.reset();
    } catch (error) {
      fromServer(error);
    }
  }

  return (
    <>
      <form onSubmit={onSubmit} noValidate className="form inline-form">
        <Field
          label="Token name"
          name="name"
          maxLength={60}
          placeholder="load test"
          error={fieldErrors.name}
        />
        <SubmitButton pending={create.isPending} label="Create token" pendingLabel="Creating…" />
      </form>
      <FormError message={formError} />
      {fresh && <NewToken key={fresh.token} name={fresh.name} token={fresh.token} />}
      {tokens.isPending ? (
        <p className="hint">Loading tokens…</p>
      ) : tokens.isError ? (
        <p role="alert">Tokens could not be loaded: {tokens.error.message}</p>
      ) : tokens.data.length === 0 ? (
        <p className="empty">No tokens yet.</p>
      ) : (
        <table className="table">
          <TableHead columns={["Name", "Token", "Created (UTC)", "Last used (UTC)"]} />
          <tbody>
            {tokens.data.map((t) => (
              <TokenRow key={t.id} token={t} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
