import { TRPCError } from "@trpc/server";
import { createPost, getPost, InvalidCursorError, listPosts, postExists } from "@/server/posts/queries";
import { getPostHistory } from "@/server/posts/history";
import { deletePost, updatePost, type OwnPostChange } from "@/server/posts/manage";
import { getRole } from "@/server/users/accounts";
import {
  createPostInput,
  deletePostInput,
  listPostsInput,
  postByIdInput,
  postHistoryInput,
  updatePostInput,
} from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router } from "../trpc";

function ownChange(result: OwnPostChange, postId: number): void {
  if (result === "not-found")
    throw new TRPCError({ code: "NOT_FOUND", message: `postId: post ${postId} does not exist` });
  if (result === "not-author")
    throw new TRPCError({ code: "FORBIDDEN", message: `postId: only the author can change post ${postId}` });
}

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
    // A hidden post is shown to moderators only: the role is looked up just for such a post.
    const post =
      (await getPost(ctx.db, input.id, ctx.userId)) ??
      (ctx.userId !== null && (await getRole(ctx.db, ctx.userId)) === "admin"
        ? await getPost(ctx.db, input.id, ctx.userId, true)
        : null);
    if (!post) throw new TRPCError({ code: "NOT_FOUND", message: `id: post ${input.id} does not exist` });
    return post;
  }),

  /** Ratings per window and the score after each, for the chart of the post page. */
  history: publicProcedure.input(postHistoryInput).query(async ({ ctx, input }) => {
    if (!(await postExists(ctx.db, input.id)))
      throw new TRPCError({ code: "NOT_FOUND", message: `id: post ${input.id} does not exist` });
    return getPostHistory(ctx.db, input.id, input.hours);
  }),

  update: protectedProcedure
    .input(updatePostInput)
    .use(rateLimited("post"))
    .mutation(async ({ ctx, input }) => {
      const { postId, title, content } = input;
      ownChange(await updatePost(ctx.db, { postId, userId: ctx.userId, title, content }), postId);
      return { postId };
    }),

  /** The author deletes their post; its ratings leave every aggregate through the fold. */
  delete: protectedProcedure.input(deletePostInput).mutation(async ({ ctx, input }) => {
    ownChange(await deletePost(ctx.db, { postId: input.postId, userId: ctx.userId }), input.postId);
    return { postId: input.postId, deleted: true };
  }),

  create: protectedProcedure
    .input(createPostInput)
    .use(rateLimited("post"))
    .mutation(({ ctx, input }) => createPost(ctx.db, { authorId: ctx.userId, ...input })),
});
