import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/db/client";
import { FOREIGN_KEY_VIOLATION, pgErrorCode } from "@/db/errors";
import type { LimitedAction, Limits } from "@/server/limits";
import type { Mailer } from "@/server/mail/mailer";
import { getRole } from "@/server/users/accounts";

export type Context = {
  db: Db;
  /** The signed-in user (session cookie or API token), or null for an anonymous request. */
  userId: number | null;
  /** The client's address, for per-IP limits ("unknown" when the platform does not say). */
  ip?: string;
  /** Response headers of the HTTP request, when there is one (Retry-After and the like). */
  resHeaders?: Headers;
  /**
   * Rate limits. Every HTTP request has them; in-process callers (scripts, tests of other
   * features) leave them out and are not limited.
   */
  limits?: Limits;
  /** Where account mail goes; the process's mailer (SMTP_URL or the dev outbox) when left out. */
  mailer?: Mailer;
};

/** "score: Too big: expected number to be <=5" — the field first, so every 400 names it. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "input"}: ${issue.message}`)
    .join("; ");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof z.ZodError ? error.cause : null;
    return {
      ...shape,
      // An unexpected failure's own message can carry SQL and its parameters: it goes to the server
      // log (onError), never to the client.
      message: error.code === "INTERNAL_SERVER_ERROR" ? "internal server error" : shape.message,
      data: {
        ...shape.data,
        fieldErrors: zodError
          ? (z.flattenError(zodError).fieldErrors as Record<string, string[] | undefined>)
          : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

// tRPC reports a failed input parse with zod's raw JSON as the message; this rewrites it to name
// the field, for HTTP clients and server-side callers alike.
const nameTheField = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof z.ZodError) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: describeZodError(result.error.cause),
      cause: result.error.cause,
    });
  }
  return result;
});

export const publicProcedure = t.procedure.use(nameTheField);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (ctx.userId === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in to do this" });
  const result = await next({ ctx: { ...ctx, userId: ctx.userId } });
  // A valid session or token of an account that no longer exists (a reset or restored database)
  // surfaces as a foreign-key violation on the user's id. Checking the account on every call
  // would cost a query on the hot path; this costs nothing until it happens.
  if (!result.ok && pgErrorCode(result.error.cause) === FOREIGN_KEY_VIOLATION) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "your account no longer exists: sign in again" });
  }
  return result;
});

/**
 * Counts the call against the action's limits (per user, per IP, whatever the context has) and
 * refuses it with 429 and Retry-After once over, before the procedure writes anything.
 */
export function rateLimited(action: LimitedAction) {
  return t.middleware(async ({ ctx, next }) => {
    if (ctx.limits) {
      const verdict = await ctx.limits.check(action, { user: ctx.userId, ip: ctx.ip });
      if (!verdict.ok) {
        ctx.resHeaders?.set("Retry-After", String(verdict.retryAfterSeconds));
        throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: verdict.message });
      }
    }
    return next();
  });
}

// Admin calls are rare, so reading the role from the database each time costs nothing that matters.
export const adminProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  if ((await getRole(ctx.db, ctx.userId)) !== "admin")
    throw new TRPCError({ code: "FORBIDDEN", message: "only admins can do this" });
  return next();
});
