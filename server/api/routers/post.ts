import { TRPCError } from "@trpc/server";
import { createPost, getPost, InvalidCursorError, listPosts, postExists } from "@/server/posts/queries";
import { getPostHistory } from "@/server/posts/history";
import { createPostInput, listPostsInput, postByIdInput, postHistoryInput } from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router } from "../trpc";

export const postRouter = router({
  list: publicProcedure.input(listPostsInput).query(async ({ ctx, input }) => {
    try {
      return await listPosts(ctx.db, { ...input, viewerId: ctx.userId });
    } catch (error) {
      if (error instanceof InvalidCursorError)
        throw new TRPCError({ code: "BAD_REQUEST", message: `cursor: ${error.message}` });
      throw error;
    }
  }),

  byId: publicProcedure.input(postByIdInput).query(async ({ ctx, input }) => {
    const post = await getPost(ctx.db, input.id, ctx.userId);
    if (!post) throw new TRPCError({ code: "NOT_FOUND", message: `id: post ${input.id} does not exist` });
    return post;
  }),

  /** Ratings per window and the score after each, for the chart of the post page. */
  history: publicProcedure.input(postHistoryInput).query(async ({ ctx, input }) => {
    if (!(await postExists(ctx.db, input.id)))
      throw new TRPCError({ code: "NOT_FOUND", message: `id: post ${input.id} does not exist` });
    return getPostHistory(ctx.db, input.id, input.hours);
  }),

  create: protectedProcedure
    .input(createPostInput)
    .use(rateLimited("post"))
    .mutation(({ ctx, input }) => createPost(ctx.db, { authorId: ctx.userId, ...input })),
});
