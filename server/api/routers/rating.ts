import { clearRating } from "@/server/ratings/removal";
import { submitRating } from "@/server/ratings/submit";
import { ratingOutcome } from "@/server/telemetry/rating-outcome";
import { recordRating } from "@/server/telemetry/metrics";
import { clearRatingInput, submitRatingInput } from "../inputs";
import { protectedProcedure, rateLimited, router } from "../trpc";

export const ratingRouter = router({
  submit: protectedProcedure
    .use(async ({ next }) => {
      const result = await next();
      const outcome = ratingOutcome(result.ok ? null : result.error);
      if (outcome) recordRating(outcome);
      return result;
    })
    .input(submitRatingInput)
    .use(rateLimited("rating"))
    .mutation(({ ctx, input }) => submitRating(ctx.db, { ...input, userId: ctx.userId })),

  /** Clears the caller's own rating of a post: the post counts as not rated by them. */
  clear: protectedProcedure
    .input(clearRatingInput)
    .use(rateLimited("rating"))
    .mutation(({ ctx, input }) => clearRating(ctx.db, { ...input, userId: ctx.userId })),
});
