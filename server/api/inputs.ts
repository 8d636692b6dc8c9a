import { z } from "zod";
import { POST_SORTS } from "@/server/posts/cursor";
import { MAX_SCORE, MIN_SCORE } from "@/server/ratings/scale";

const MAX_INT4 = 2_147_483_647;

export const id = z.int().min(1).max(MAX_INT4);

// Postgres text cannot hold U+0000; rejecting it here turns a would-be 500 into a 400.
function text(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters");
}

export const listPostsInput = z
  .object({
    cursor: z.string().max(200).nullish(),
    limit: z.int().min(1).max(50).default(20),
    sort: z.enum(POST_SORTS).default("newest"),
    q: z.string().max(200).nullish(),
  })
  .prefault({});

export const postByIdInput = z.object({ id });

export const postHistoryInput = z.object({
  id,
  hours: z
    .int()
    .min(1)
    .max(24 * 7)
    .default(24),
});

export const createPostInput = z.object({ title: text(1, 200), content: text(1, 20_000) });

export const updatePostInput = z.object({ postId: id, title: text(1, 200), content: text(1, 20_000) });

export const deletePostInput = z.object({ postId: id });

export const submitRatingInput = z.object({ postId: id, score: z.int().min(MIN_SCORE).max(MAX_SCORE) });

export const clearRatingInput = z.object({ postId: id });

export const profileInput = z.object({ id });

export const ratingsPublicInput = z.object({ ratingsPublic: z.boolean() });

export const registerInput = z.object({
  email: z.email("must be a valid email address").max(254),
  name: text(1, 80),
  password: z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
});

export const lockPostInput = z.object({ postId: id });

export const createTokenInput = z.object({ name: text(1, 60) });

export const revokeTokenInput = z.object({ id });
