/**
 * The one error type of the domain layer. A module that refuses a request throws it with a code and,
 * when one input field is at fault, that field; the API layer (server/api/trpc.ts) maps the code to
 * a tRPC code and HTTP status once, so no router catches and re-throws.
 */
export const DOMAIN_ERROR_CODES = [
  "NOT_FOUND",
  "CONFLICT",
  "FORBIDDEN",
  "LOCKED",
  "TOO_MANY_REQUESTS",
  "INVALID",
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** The input field the error is about, as the API names it (e.g. "postId"). */
  readonly field: string | null;

  constructor(code: DomainErrorCode, message: string, options: { field?: string } = {}) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    this.field = options.field ?? null;
  }
}
