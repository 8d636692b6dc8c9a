import type { InputHTMLAttributes } from "react";
import { Field } from "./field";

type Props = { label?: string; name?: string; error?: string } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "type" | "name"
>;

/** An email address field: the browser's email keyboard and autofill, and the server's 254-character cap. */
export function EmailField({ label = "Email", name = "email", ...input }: Props) {
  return (
    <Field label={label} name={name} type="email" autoComplete="email" required maxLength={254} {...input} />
  );
}

/**
 * A password field. "current" asks the password manager for the saved one; "new" for a new one,
 * with the server's length rule (server/api/inputs.ts: 8 to 200 characters) as a hint to the browser.
 */
export function PasswordField({
  kind,
  label = "Password",
  name = "password",
  ...input
}: Props & { kind: "current" | "new" }) {
  const rule =
    kind === "new"
      ? { autoComplete: "new-password", minLength: 8, maxLength: 200 }
      : { autoComplete: "current-password" };
  return <Field label={label} name={name} type="password" required {...rule} {...input} />;
}
