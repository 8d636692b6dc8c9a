import { TRPCError } from "@trpc/server";
import { EmailTakenError, registerUser } from "@/server/users/accounts";
import { getProfile, setRatingsPublic } from "@/server/users/profile";
import { profileInput, registerInput, ratingsPublicInput } from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router } from "../trpc";

export const userRouter = router({
  register: publicProcedure
    .input(registerInput)
    .use(rateLimited("register"))
    .mutation(async ({ ctx, input }) => {
      try {
        return await registerUser(ctx.db, input);
      } catch (error) {
        if (error instanceof EmailTakenError)
          throw new TRPCError({ code: "CONFLICT", message: error.message });
        throw error;
      }
    }),

  /** A person's profile: posts, and ratings if they show them (always to themselves). */
  profile: publicProcedure.input(profileInput).query(async ({ ctx, input }) => {
    const profile = await getProfile(ctx.db, input.id, ctx.userId);
    if (!profile) throw new TRPCError({ code: "NOT_FOUND", message: `id: user ${input.id} does not exist` });
    return profile;
  }),

  setRatingsPublic: protectedProcedure.input(ratingsPublicInput).mutation(async ({ ctx, input }) => {
    await setRatingsPublic(ctx.db, ctx.userId, input.ratingsPublic);
    return input;
  }),
});
