import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

type Common = { label: string; name: string; error?: string };

function controlProps(name: string, error?: string) {
  return {
    id: name,
    name,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${name}-error` : undefined,
  };
}

function Shell({ label, name, error, children }: Common & { children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {children}
      {error && (
        <p id={`${name}-error`} className="error">
          {error}
        </p>
      )}
    </div>
  );
}

export function Field({ label, name, error, ...input }: Common & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Shell label={label} name={name} error={error}>
      <input {...controlProps(name, error)} {...input} />
    </Shell>
  );
}

export function TextArea({
  label,
  name,
  error,
  ...input
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Shell label={label} name={name} error={error}>
      <textarea {...controlProps(name, error)} {...input} />
    </Shell>
  );
}

/** A form-wide message (an error no single field owns), announced to screen readers. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}

/** The submit button, disabled and relabelled while the request is in flight. */
export function SubmitButton({
  pending,
  label,
  pendingLabel,
}: {
  pending: boolean;
  label: string;
  pendingLabel: string;
}) {
  return (
    <button type="submit" disabled={pending}>
      {pending ? pendingLabel : label}
    </button>
  );
}
