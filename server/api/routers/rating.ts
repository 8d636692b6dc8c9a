import { submitRating } from "@/server/ratings/submit";
import { submitRatingInput } from "../inputs";
import { protectedProcedure, rateLimited, router } from "../trpc";

export const ratingRouter = router({
  submit: protectedProcedure
    .input(submitRatingInput)
    .use(rateLimited("rating"))
    .mutation(({ ctx, input }) => submitRating(ctx.db, { ...input, userId: ctx.userId })),
});
