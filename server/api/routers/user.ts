import { inBackground } from "@/server/background";
import { defaultMailer } from "@/server/mail/mailer";
import { registerUser } from "@/server/users/accounts";
import { sendVerificationMail } from "@/server/users/verification";
import { registerInput } from "../inputs";
import { publicProcedure, rateLimited, router } from "../trpc";

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
});
