import { inBackground } from "@/server/background";
import { DomainError } from "@/server/errors";
import { defaultMailer } from "@/server/mail/mailer";
import { registerUser } from "@/server/users/accounts";
import { getProfile, setRatingsPublic } from "@/server/users/profile";
import { sendVerificationMail } from "@/server/users/verification";
import { profileInput, ratingsPublicInput, registerInput } from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router } from "../trpc";

export const userRouter = router({
  register: publicProcedure
    .input(registerInput)
    .use(rateLimited("register"))
    .mutation(async ({ ctx, input }) => {
      const user = await registerUser(ctx.db, input);
      const mailer = ctx.mailer ?? defaultMailer();
      inBackground("verification mail", () => sendVerificationMail(ctx.db, mailer, user.id, user.email));
      return user;
    }),

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
