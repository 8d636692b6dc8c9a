import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { DomainError } from "@/server/errors";
import type { RatingOutcome } from "./metrics";

/**
 * What became of a signed-in user's rating, for the metrics: accepted (no error), or refused for
 * a limit, a locked post or invalid input (a bad field or no such post). Other failures are not
 * refusals and are not counted here (null); the request metrics count them.
 */
export function ratingOutcome(error: unknown): RatingOutcome | null {
  if (error === null) return "accepted";
  const cause = error instanceof TRPCError ? error.cause : error;
  if (cause instanceof z.ZodError) return "invalid";
  if (cause instanceof DomainError) {
    if (cause.code === "TOO_MANY_REQUESTS") return "limit";
    if (cause.code === "LOCKED") return "locked";
    if (cause.code === "INVALID" || cause.code === "NOT_FOUND") return "invalid";
  }
  if (error instanceof TRPCError && error.code === "BAD_REQUEST") return "invalid";
  return null;
}
