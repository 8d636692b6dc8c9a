import { DomainError } from "@/server/errors";
import { defaultMailer } from "@/server/mail/mailer";
import { accountGone } from "@/server/users/account-error";
import { deleteAccount } from "@/server/users/deletion";
import { normalizeEmail } from "@/server/users/email";
import { requestPasswordReset, resetPassword } from "@/server/users/password-reset";
import { endSessions } from "@/server/users/sessions";
import { accountOverview, assertCurrentPassword, changeName, changePassword } from "@/server/users/settings";
import { confirmEmail, requestEmailChange, resendVerification } from "@/server/users/verification";
import {
  changeEmailInput,
  deleteAccountInput,
  changeNameInput,
  changePasswordInput,
  confirmEmailInput,
  requestPasswordResetInput,
  resetPasswordInput,
} from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router, type Context } from "../trpc";

function mailerOf(ctx: Context) {
  return ctx.mailer ?? defaultMailer();
}

export const RESET_REQUESTED =
  "If an account uses this address, a link to reset its password is on its way. It works once, within 1 hour.";

export const accountRouter = router({
  /** The signed-in account as /settings shows it. */
  me: protectedProcedure.query(async ({ ctx }) => {
    const overview = await accountOverview(ctx.db, ctx.userId);
    if (!overview) throw accountGone();
    return overview;
  }),

  resendVerification: protectedProcedure.use(rateLimited("accountMail")).mutation(async ({ ctx }) => {
    const sent = await resendVerification(ctx.db, mailerOf(ctx), ctx.userId);
    if (!sent) throw new DomainError("INVALID", "your address is already verified", { field: "email" });
    return { sent };
  }),

  confirmEmail: publicProcedure
    .input(confirmEmailInput)
    .mutation(({ ctx, input }) => confirmEmail(ctx.db, input.token)),

  /** Answers the same whether or not the address has an account; see server/users/password-reset.ts. */
  requestPasswordReset: publicProcedure.input(requestPasswordResetInput).mutation(async ({ ctx, input }) => {
    const verdict = await ctx.limits.check("passwordReset", { email: input.email, ip: ctx.ip });
    if (!verdict.ok) {
      ctx.resHeaders?.set("Retry-After", String(verdict.retryAfterSeconds));
      throw new DomainError("TOO_MANY_REQUESTS", verdict.message);
    }
    requestPasswordReset(ctx.db, mailerOf(ctx), ctx.limits, input.email);
    return { message: RESET_REQUESTED };
  }),

  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    const { userId } = await resetPassword(ctx.db, input.token, input.password);
    await endSessions(ctx.db, userId);
    return { reset: true };
  }),

  changeName: protectedProcedure
    .input(changeNameInput)
    .mutation(({ ctx, input }) => changeName(ctx.db, ctx.userId, input.name)),

  /** Mails a link to the new address; the account moves there once it is followed. */
  changeEmail: protectedProcedure
    .input(changeEmailInput)
    .use(rateLimited("passwordCheck"))
    .use(rateLimited("accountMail"))
    .mutation(async ({ ctx, input }) => {
      await assertCurrentPassword(ctx.db, ctx.userId, input.currentPassword);
      await requestEmailChange(ctx.db, mailerOf(ctx), ctx.userId, input.email);
      return { pendingEmail: normalizeEmail(input.email) };
    }),

  changePassword: protectedProcedure
    .input(changePasswordInput)
    .use(rateLimited("passwordCheck"))
    .mutation(async ({ ctx, input }) => {
      await changePassword(ctx.db, ctx.userId, input.currentPassword, input.newPassword);
      // Every session ends, this one too: the browser that changed it signs in again with the new one.
      await endSessions(ctx.db, ctx.userId);
      return { changed: true };
    }),

  /** "Sign out everywhere": every session of the account ends, the caller's too. */
  signOutEverywhere: protectedProcedure.mutation(async ({ ctx }) => {
    await endSessions(ctx.db, ctx.userId);
    return { ended: true };
  }),

  /** Ratings leave every aggregate, posts stay as "deleted user"'s, sessions and tokens end. */
  delete: protectedProcedure
    .input(deleteAccountInput)
    .use(rateLimited("passwordCheck"))
    .mutation(({ ctx, input }) => deleteAccount(ctx.db, ctx.userId, input)),
});
