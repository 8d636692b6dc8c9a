import { DomainError } from "@/server/errors";
import { registerUser } from "@/server/users/accounts";
import { getProfile, setRatingsPublic } from "@/server/users/profile";
import { profileInput, ratingsPublicInput, registerInput } from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router } from "../trpc";

export const userRouter = router({
  register: publicProcedure
    .input(registerInput)
    .use(rateLimited("register"))
    .mutation(({ ctx, input }) => registerUser(ctx.db, input)),

  /** A person's profile: posts, and ratings if they show them (always to themselves). */
  profile: publicProcedure.input(profileInput).query(async ({ ctx, input }) => {
    const profile = await getProfile(ctx.db, input.id, ctx.userId);
    if (!profile) throw new DomainError("NOT_FOUND", `user ${input.id} does not exist`, { field: "id" });
    return profile;
  }),

  setRatingsPublic: protectedProcedure.input(ratingsPublicInput).mutation(async ({ ctx, input }) => {
    await setRatingsPublic(ctx.db, ctx.userId, input.ratingsPublic);
    return input;
  }),
});
