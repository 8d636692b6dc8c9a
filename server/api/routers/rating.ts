import { TRPCError } from "@trpc/server";
import { PostLockedError, PostNotFoundError, submitRating } from "@/server/ratings/submit";
import { submitRatingInput } from "../inputs";
import { protectedProcedure, rateLimited, router } from "../trpc";

export const ratingRouter = router({
  submit: protectedProcedure
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
