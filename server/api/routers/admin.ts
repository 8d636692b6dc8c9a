import { DomainError } from "@/server/errors";
import { listHeldPosts, setPostHidden, setPostLock } from "@/server/moderation";
import { lockPostInput } from "../inputs";
import { adminProcedure, router } from "../trpc";

function lockProcedure(locked: boolean) {
  return adminProcedure.input(lockPostInput).mutation(async ({ ctx, input }) => {
    if (!(await setPostLock(ctx.db, input.postId, ctx.userId, locked)))
      throw new DomainError("NOT_FOUND", `post ${input.postId} does not exist`, { field: "postId" });
    return { postId: input.postId, locked };
  });
}

function hideProcedure(hidden: boolean) {
  return adminProcedure.input(lockPostInput).mutation(async ({ ctx, input }) => {
    if (!(await setPostHidden(ctx.db, input.postId, ctx.userId, hidden)))
      throw new DomainError("NOT_FOUND", `post ${input.postId} does not exist`, { field: "postId" });
    return { postId: input.postId, hidden };
  });
}

export const adminRouter = router({
  hidePost: hideProcedure(true),
  unhidePost: hideProcedure(false),
  lockPost: lockProcedure(true),
  unlockPost: lockProcedure(false),
  /** The moderation page: posts with ratings held back as bursts, with counts and times. */
  heldPosts: adminProcedure.query(({ ctx }) => listHeldPosts(ctx.db)),
});
