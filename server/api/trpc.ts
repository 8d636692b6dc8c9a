import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { z } from "zod";
import { FOREIGN_KEY_VIOLATION, pgErrorCode } from "@/db/errors";
import { DomainError, type DomainErrorCode } from "@/server/errors";
import type { LimitedAction } from "@/server/limits";
import { pagesChanged } from "@/server/posts/page-cache";
import { observeCall } from "@/server/telemetry/request";
import { isAdmin } from "@/server/users/roles";
import type { Context } from "./context";
import { databaseOutageError } from "./outage";

export type { Context } from "./context";

/** "score: Too big: expected number to be <=5" — the field first, so every 400 names it. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "input"}: ${issue.message}`)
    .join("; ");
}

/** Each domain error code's tRPC code (and so its HTTP status). */
const TRPC_CODES: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  FORBIDDEN: "FORBIDDEN",
  LOCKED: "FORBIDDEN",
  TOO_MANY_REQUESTS: "TOO_MANY_REQUESTS",
  INVALID: "BAD_REQUEST",
};

export type FieldErrors = Record<string, string[] | undefined>;

function fieldErrorsOf(cause: unknown): FieldErrors | null {
  if (cause instanceof z.ZodError) return z.flattenError(cause).fieldErrors as FieldErrors;
  if (cause instanceof DomainError && cause.field) return { [cause.field]: [cause.message] };
  return null;
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx }) {
    const requestId = ctx?.requestId ?? null;
    return {
      ...shape,
      // An unexpected failure's own message can carry SQL and its parameters: it goes to the server
      // log (onError), never to the client; the request id lets a user's report find that line.
      message:
        error.code === "INTERNAL_SERVER_ERROR"
          ? `internal server error${requestId ? ` (request ${requestId})` : ""}`
          : shape.message,
      data: { ...shape.data, fieldErrors: fieldErrorsOf(error.cause), requestId },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * The one place refusals become tRPC errors, for HTTP clients and server-side callers alike: a
 * DomainError gets its code's status, and a failed input parse (which tRPC reports with zod's raw
 * JSON as the message) a message that names the field. Both keep the field first in the message.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof DomainError) {
    throw new TRPCError({
      code: TRPC_CODES[cause.code],
      message: cause.field ? `${cause.field}: ${cause.message}` : cause.message,
      cause,
    });
  }
  if (cause instanceof z.ZodError) {
    throw new TRPCError({ code: "BAD_REQUEST", message: describeZodError(cause), cause });
  }
  return result;
});

const databaseOutage = t.middleware(async ({ ctx, next }) => {
  const result = await next();
  if (!result.ok) {
    const outage = databaseOutageError(result.error.cause, ctx.resHeaders ?? undefined);
    if (outage) throw outage;
  }
  return result;
});

// Every call with an HTTP request behind it is traced, counted and logged under its procedure's
// name, with the status mapErrors gave it.
const observed = t.middleware(({ ctx, path, type, next }) =>
  ctx.requestId === undefined
    ? next()
    : observeCall({ procedure: path, type, requestId: ctx.requestId }, next, (result) =>
        result.ok ? 200 : getHTTPStatusCodeFromError(result.error),
      ),
);

// A mutation that went through may have changed what the post list shows: list pages this process
// read before it are not reused (server/posts/page-cache.ts).
const listFreshness = t.middleware(async ({ type, next }) => {
  const result = await next();
  if (type === "mutation" && result.ok) pagesChanged();
  return result;
});

export const publicProcedure = t.procedure
  .use(observed)
  .use(databaseOutage)
  .use(mapErrors)
  .use(listFreshness);

const ACCOUNT_GONE_MESSAGE = "your account no longer exists: sign in again";

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (ctx.userId === null)
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: ctx.accountGone ? ACCOUNT_GONE_MESSAGE : "sign in to do this",
    });
  const result = await next({ ctx: { ...ctx, userId: ctx.userId } });
  // A valid session or token of an account that no longer exists (a reset or restored database)
  // surfaces as a foreign-key violation on the user's id. Checking the account on every call
  // would cost a query on the hot path; this costs nothing until it happens.
  if (!result.ok && pgErrorCode(result.error.cause) === FOREIGN_KEY_VIOLATION) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: ACCOUNT_GONE_MESSAGE });
  }
  return result;
});

/**
 * Counts the call against the action's limits (per user, per IP, whatever the context has) and
 * refuses it with 429 and Retry-After once over, before the procedure writes anything.
 */
export function rateLimited(action: LimitedAction) {
  return t.middleware(async ({ ctx, next }) => {
    const verdict = await ctx.limits.check(action, { user: ctx.userId, ip: ctx.ip });
    if (!verdict.ok) {
      ctx.resHeaders?.set("Retry-After", String(verdict.retryAfterSeconds));
      throw new DomainError("TOO_MANY_REQUESTS", verdict.message);
    }
    return next();
  });
}

// Admin calls are rare, so reading the role from the database each time costs nothing that matters.
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  if (!(await isAdmin(ctx.db, ctx.userId))) throw new DomainError("FORBIDDEN", "only admins can do this");
  return next();
});
