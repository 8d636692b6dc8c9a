import { TRPCError } from "@trpc/server";
import { EmailTakenError, registerUser } from "@/server/users/accounts";
import { registerInput } from "../inputs";
import { publicProcedure, rateLimited, router } from "../trpc";

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
});
