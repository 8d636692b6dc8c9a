import { clearRating } from "@/server/ratings/removal";
import { submitRating } from "@/server/ratings/submit";
import { clearRatingInput, submitRatingInput } from "../inputs";
import { protectedProcedure, rateLimited, router } from "../trpc";

export const ratingRouter = router({
  submit: protectedProcedure
    .input(submitRatingInput)
    .use(rateLimited("rating"))
    .mutation(({ ctx, input }) => submitRating(ctx.db, { ...input, userId: ctx.userId })),

  /** Clears the caller's own rating of a post: the post counts as not rated by them. */
  clear: protectedProcedure
    .input(clearRatingInput)
    .use(rateLimited("rating"))
    .mutation(({ ctx, input }) => clearRating(ctx.db, { ...input, userId: ctx.userId })),
});
