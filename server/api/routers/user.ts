import { registerUser } from "@/server/users/accounts";
import { registerInput } from "../inputs";
import { publicProcedure, rateLimited, router } from "../trpc";

export const userRouter = router({
  register: publicProcedure
    .input(registerInput)
    .use(rateLimited("register"))
    .mutation(({ ctx, input }) => registerUser(ctx.db, input)),
});
