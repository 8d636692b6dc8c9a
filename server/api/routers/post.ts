import { DomainError } from "@/server/errors";
import { serverConfig } from "@/server/env";
import { createPost, getPost, listPosts, postExists } from "@/server/posts/queries";
import { getRatingBreakdown } from "@/server/posts/breakdown";
import { getPostHistory } from "@/server/posts/history";
import { deletePost, updatePost, type OwnPostChange } from "@/server/posts/manage";
import { getRole } from "@/server/users/roles";
import {
  createPostInput,
  deletePostInput,
  listPostsInput,
  postBreakdownInput,
  postByIdInput,
  postHistoryInput,
  updatePostInput,
} from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router } from "../trpc";

const noSuchPost = (id: number) => new DomainError("NOT_FOUND", `post ${id} does not exist`, { field: "id" });

function ownChange(result: OwnPostChange, postId: number): void {
  if (result === "not-found")
    throw new DomainError("NOT_FOUND", `post ${postId} does not exist`, { field: "postId" });
  if (result === "not-author")
    throw new DomainError("FORBIDDEN", `only the author can change post ${postId}`, { field: "postId" });
}

export const postRouter = router({
  list: publicProcedure
    .input(listPostsInput)
    .query(({ ctx, input }) => listPosts(ctx.db, { ...input, viewerId: ctx.userId })),

  byId: publicProcedure.input(postByIdInput).query(async ({ ctx, input }) => {
    // A hidden post is shown to moderators only: the role is looked up just for such a post.
    const post =
      (await getPost(ctx.db, input.id, ctx.userId)) ??
      (ctx.userId !== null && (await getRole(ctx.db, ctx.userId)) === "admin"
        ? await getPost(ctx.db, input.id, ctx.userId, true)
        : null);
    if (!post) throw noSuchPost(input.id);
    return post;
  }),

  /** Ratings per window and the score after each, for the chart of the post page. */
  history: publicProcedure.input(postHistoryInput).query(async ({ ctx, input }) => {
    if (!(await postExists(ctx.db, input.id))) throw noSuchPost(input.id);
    return getPostHistory(ctx.db, input.id, input.hours, serverConfig().engine);
  }),

  /** The stars of all ratings and of the recent ones (counts only, like the history). */
  breakdown: publicProcedure.input(postBreakdownInput).query(async ({ ctx, input }) => {
    if (!(await postExists(ctx.db, input.id))) throw noSuchPost(input.id);
    return getRatingBreakdown(ctx.db, input.id, input.days);
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
