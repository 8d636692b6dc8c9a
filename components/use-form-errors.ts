"use client";
import { TRPCClientError } from "@trpc/client";
import { useState } from "react";
import { z } from "zod";

export type FieldErrors = Record<string, string | undefined>;

/**
 * Field-level messages for a form: the same zod schema the server uses checks input before it is
 * sent, and a server refusal is mapped back onto its field (or shown as a form-wide message).
 */
export function useFormErrors() {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  function validate<T>(schema: z.ZodType<T>, values: unknown): T | null {
    const parsed = schema.safeParse(values);
    setFormError(null);
    if (parsed.success) {
      setFieldErrors({});
      return parsed.data;
    }
    const flat = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
    setFieldErrors(Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, v?.[0]])));
    return null;
  }

  function fromServer(error: unknown) {
    if (error instanceof TRPCClientError) {
      const message = String(error.message);
      const field = /^(\w+): (.*)$/.exec(message);
      if (field?.[1] && field[2]) {
        setFieldErrors({ [field[1]]: field[2] });
        return;
      }
      setFormError(message);
      return;
    }
    setFormError("Something went wrong. Check your connection and try again.");
  }

  return { fieldErrors, formError, setFormError, validate, fromServer };
}
