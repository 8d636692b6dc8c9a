"use client";
import { useEffect, useState } from "react";
import { z } from "zod";
import { isApiError } from "./api-error";

export type FieldErrors = Record<string, string | undefined>;

/** The first message of each field, from zod's flattened errors or the server's `data.fieldErrors`. */
function firstMessages(fieldErrors: Record<string, string[] | undefined>): FieldErrors {
  return Object.fromEntries(Object.entries(fieldErrors).map(([field, messages]) => [field, messages?.[0]]));
}

/**
 * Moves the focus to the first field (in page order) that has a message, so a keyboard or screen
 * reader user lands on what to fix. Fields carry their name as id (components/field.tsx).
 */
function focusFirstInvalid(fieldErrors: FieldErrors) {
  const fields = Object.entries(fieldErrors)
    .filter(([, message]) => message)
    .map(([name]) => document.getElementById(name))
    .filter((el): el is HTMLElement => el !== null);
  const first = fields.sort((a, b) =>
    a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  )[0];
  first?.focus();
}

/**
 * Field-level messages for a form: the same zod schema the server uses checks input before it is
 * sent, and a server refusal is mapped back onto its fields (or shown as a form-wide message).
 */
export function useFormErrors() {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  // Each refusal is a new object, so the focus moves again on every submit that fails.
  useEffect(() => focusFirstInvalid(fieldErrors), [fieldErrors]);

  function validate<T>(schema: z.ZodType<T>, values: unknown): T | null {
    const parsed = schema.safeParse(values);
    setFormError(null);
    if (parsed.success) {
      setFieldErrors({});
      return parsed.data;
    }
    setFieldErrors(firstMessages(z.flattenError(parsed.error).fieldErrors as Record<string, string[]>));
    return null;
  }

  function fromServer(error: unknown) {
    if (!isApiError(error)) {
      setFormError("Something went wrong. Check your connection and try again.");
      return;
    }
    const byField = error.data?.fieldErrors;
    if (byField && Object.keys(byField).length > 0) {
      setFieldErrors(firstMessages(byField));
      return;
    }
    setFormError(error.message);
  }

  return { fieldErrors, formError, setFormError, validate, fromServer };
}
