import { initTRPC, TRPCError } from "@trpc/server";
import { z } from "zod";
import type { Db } from "@/db/client";

export type Context = {
  db: Db;
  /** The signed-in user, or null for an anonymous request. */
  userId: number | null;
  /** Response headers of the HTTP request, when there is one (Retry-After and the like). */
  resHeaders?: Headers;
};

/** "score: Too big: expected number to be <=5" — the field first, so every 400 names it. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join(".") : "input"}: ${issue.message}`).join("; ");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof z.ZodError ? error.cause : null;
    return {
      ...shape,
      data: {
        ...shape.data,
        fieldErrors: zodError ? (z.flattenError(zodError).fieldErrors as Record<string, string[] | undefined>) : null,
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
    throw new TRPCError({ code: "BAD_REQUEST", message: describeZodError(result.error.cause), cause: result.error.cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(nameTheField);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.userId === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in to do this" });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});
