import { DomainError } from "@/server/errors";
import { serverConfig } from "@/server/env";
import { createPost, getPost, listPosts, postExists } from "@/server/posts/queries";
import { getPostHistory } from "@/server/posts/history";
import { createPostInput, listPostsInput, postByIdInput, postHistoryInput } from "../inputs";
import { protectedProcedure, publicProcedure, rateLimited, router } from "../trpc";

const noSuchPost = (id: number) => new DomainError("NOT_FOUND", `post ${id} does not exist`, { field: "id" });

export const postRouter = router({
  list: publicProcedure
    .input(listPostsInput)
    .query(({ ctx, input }) => listPosts(ctx.db, { ...input, viewerId: ctx.userId })),

  byId: publicProcedure.input(postByIdInput).query(async ({ ctx, input }) => {
    const post = await getPost(ctx.db, input.id, ctx.userId);
    if (!post) throw noSuchPost(input.id);
    return post;
  }),

  /** Ratings per window and the score after each, for the chart of the post page. */
  history: publicProcedure.input(postHistoryInput).query(async ({ ctx, input }) => {
    if (!(await postExists(ctx.db, input.id))) throw noSuchPost(input.id);
    return getPostHistory(ctx.db, input.id, input.hours, serverConfig().engine);
  }),

  create: protectedProcedure
    .input(createPostInput)
    .use(rateLimited("post"))
    .mutation(({ ctx, input }) => createPost(ctx.db, { authorId: ctx.userId, ...input })),
});
