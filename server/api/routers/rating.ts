import { TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { PostLockedError, PostNotFoundError, submitRating } from "@/server/ratings/submit";
import { recordRating, type RatingOutcome } from "@/server/telemetry/metrics";
import { submitRatingInput } from "../inputs";
import { protectedProcedure, rateLimited, router } from "../trpc";

/** Why a signed-in user's rating was refused, for the metrics (other failures are not refusals). */
const REFUSALS: Partial<Record<TRPC_ERROR_CODE_KEY, RatingOutcome>> = {
  TOO_MANY_REQUESTS: "limit",
  FORBIDDEN: "locked",
  BAD_REQUEST: "invalid",
  NOT_FOUND: "invalid",
};

export const ratingRouter = router({
  submit: protectedProcedure
    .use(async ({ next }) => {
      const result = await next();
      const outcome = result.ok ? "accepted" : REFUSALS[result.error.code];
      if (outcome) recordRating(outcome);
      return result;
    })
    .input(submitRatingInput)
    .use(rateLimited("rating"))
    .mutation(async ({ ctx, input }) => {
      try {
        return await submitRating(ctx.db, { ...input, userId: ctx.userId });
      } catch (error) {
        if (error instanceof PostNotFoundError)
          throw new TRPCError({ code: "NOT_FOUND", message: `postId: ${error.message}` });
        if (error instanceof PostLockedError)
          throw new TRPCError({ code: "FORBIDDEN", message: `postId: ${error.message}` });
        throw error;
      }
    }),
});
