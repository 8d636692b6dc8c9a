import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";

type Common = { label: string; name: string; error?: string };

function controlProps(name: string, error?: string) {
  return { id: name, name, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${name}-error` : undefined };
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

export function TextArea({ label, name, error, ...input }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Shell label={label} name={name} error={error}>
      <textarea {...controlProps(name, error)} {...input} />
    </Shell>
  );
}
