import { TRPCError } from "@trpc/server";
import { clearRating } from "@/server/ratings/removal";
import { PostLockedError, PostNotFoundError, submitRating } from "@/server/ratings/submit";
import { clearRatingInput, submitRatingInput } from "../inputs";
import { protectedProcedure, rateLimited, router } from "../trpc";

function refusal(error: unknown): unknown {
  if (error instanceof PostNotFoundError)
    return new TRPCError({ code: "NOT_FOUND", message: `postId: ${error.message}` });
  if (error instanceof PostLockedError)
    return new TRPCError({ code: "FORBIDDEN", message: `postId: ${error.message}` });
  return error;
}

export const ratingRouter = router({
  submit: protectedProcedure
    .input(submitRatingInput)
    .use(rateLimited("rating"))
    .mutation(async ({ ctx, input }) => {
      try {
        return await submitRating(ctx.db, { ...input, userId: ctx.userId });
      } catch (error) {
        throw refusal(error);
      }
    }),

  /** Clears the caller's own rating of a post: the post counts as not rated by them. */
  clear: protectedProcedure
    .input(clearRatingInput)
    .use(rateLimited("rating"))
    .mutation(async ({ ctx, input }) => {
      try {
        return await clearRating(ctx.db, { ...input, userId: ctx.userId });
      } catch (error) {
        throw refusal(error);
      }
    }),
});
