"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { createTokenInput } from "@/server/api/inputs";
import { Field, FormError, SubmitButton } from "./field";
import { formatDate } from "./format";
import { TableHead } from "./table-head";
import { useTRPC } from "./trpc";
import { useFormErrors } from "./use-form-errors";

export function TokenManager() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.token.list.queryOptions());
  const { fieldErrors, formError, validate, fromServer } = useFormErrors();
  const [fresh, setFresh] = useState<{ name: string; token: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries(trpc.token.list.queryFilter());
  const create = useMutation(trpc.token.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.token.revoke.mutationOptions({ onSuccess: refresh }));

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
      {fresh && (
        <div className="banner" role="status">
          <p>
            <strong>Copy the token “{fresh.name}” now:</strong> it will not be shown again.
          </p>
          <code className="token" data-testid="new-token">
            {fresh.token}
          </code>{" "}
          <button type="button" className="link" onClick={() => navigator.clipboard?.writeText(fresh.token)}>
            Copy
          </button>
        </div>
      )}
      {tokens.isPending ? (
        <p className="hint">Loading tokens…</p>
      ) : tokens.isError ? (
        <p role="alert">Tokens could not be loaded: {tokens.error.message}</p>
      ) : tokens.data.length === 0 ? (
        <p className="empty">No tokens yet.</p>
      ) : (
        <table className="table">
          <TableHead columns={["Name", "Token", "Created", "Last used"]} />
          <tbody>
            {tokens.data.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>
                  <code>{t.prefix}…</code>
                </td>
                <td>{formatDate(t.createdAt)}</td>
                <td>{t.lastUsedAt ? formatDate(t.lastUsedAt) : "never"}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => revoke.mutate({ id: t.id })}
                    disabled={revoke.isPending}
                    aria-label={`Revoke ${t.name}`}
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
