import { TRPCError } from "@trpc/server";
import { createToken, listTokens, revokeToken, TooManyTokensError } from "@/server/users/tokens";
import { createTokenInput, revokeTokenInput } from "../inputs";
import { protectedProcedure, router } from "../trpc";

export const tokenRouter = router({
  /** Returns the token in full, once; only its hash is stored. */
  create: protectedProcedure.input(createTokenInput).mutation(async ({ ctx, input }) => {
    // A token that could mint tokens would outlive its own revocation through its children.
    if (ctx.credential === "token")
      throw new TRPCError({
        code: "FORBIDDEN",
        message: "authorization: an API token cannot create tokens; sign in to create one",
      });
    try {
      return await createToken(ctx.db, ctx.userId, input.name);
    } catch (error) {
      if (error instanceof TooManyTokensError)
        throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
      throw error;
    }
  }),
  list: protectedProcedure.query(({ ctx }) => listTokens(ctx.db, ctx.userId)),
  revoke: protectedProcedure.input(revokeTokenInput).mutation(async ({ ctx, input }) => {
    // Another user's token id answers exactly like a missing one.
    if (!(await revokeToken(ctx.db, ctx.userId, input.id))) {
      throw new TRPCError({ code: "NOT_FOUND", message: `id: you have no active token ${input.id}` });
    }
    return { id: input.id, revoked: true };
  }),
});
