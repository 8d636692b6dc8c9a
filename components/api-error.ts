import { TRPCClientError } from "@trpc/client";
import type { AppRouter } from "@/server/api/root";

/**
 * A refusal of this app's API, typed by its router: `data` carries the code, status and fieldErrors.
 * Kept apart from the form helpers, which need zod: the list's rating control needs only this.
 */
export function isApiError(error: unknown): error is TRPCClientError<AppRouter> {
  return error instanceof TRPCClientError;
}
