import { DomainError } from "@/server/errors";
import { createToken, listTokens, revokeToken } from "@/server/users/tokens";
import { createTokenInput, revokeTokenInput } from "../inputs";
import { protectedProcedure, router } from "../trpc";

export const tokenRouter = router({
  /** Returns the token in full, once; only its hash is stored. */
  create: protectedProcedure
    .input(createTokenInput)
    .mutation(({ ctx, input }) => createToken(ctx.db, ctx.userId, input.name)),
  list: protectedProcedure.query(({ ctx }) => listTokens(ctx.db, ctx.userId)),
  revoke: protectedProcedure.input(revokeTokenInput).mutation(async ({ ctx, input }) => {
    // Another user's token id answers exactly like a missing one.
    if (!(await revokeToken(ctx.db, ctx.userId, input.id)))
      throw new DomainError("NOT_FOUND", `you have no active token ${input.id}`, { field: "id" });
    return { id: input.id, revoked: true };
  }),
});
