// First: it must run before any schema below is built.
import "./zod-config";
import { z } from "zod";
import { POST_SORTS } from "@/server/posts/cursor";
import { MAX_SCORE, MIN_SCORE } from "@/server/ratings/scale";

const MAX_INT4 = 2_147_483_647;

export const id = z.int().min(1).max(MAX_INT4);

// Postgres text cannot hold U+0000; rejecting it here turns a would-be 500 into a 400.
const NO_NUL = [(value: string) => !value.includes("\u0000"), "must not contain NUL characters"] as const;

function text(min: number, max: number) {
  return z
    .string()
    .trim()
    .min(min, min === 1 ? "must not be empty" : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine(...NO_NUL);
}

export const listPostsInput = z
  .object({
    cursor: z.string().max(200).nullish(),
    limit: z.int().min(1).max(50).default(20),
    sort: z.enum(POST_SORTS).default("newest"),
    q: z
      .string()
      .max(200)
      .refine(...NO_NUL)
      .nullish(),
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

export const postBreakdownInput = z.object({ id, days: z.int().min(1).max(365).default(30) });

// Format characters (zero-width spaces and joiners, bidi overrides, soft hyphens, tags), controls,
// lone combining marks and the blank letters of Hangul and Braille show nothing on their own.
const INVISIBLE = /^[\p{White_Space}\p{Cf}\p{Cc}\p{Mn}\p{Me}\u115F\u1160\u3164\uFFA0\u2800]*$/u;

export const createPostInput = z.object({
  title: text(1, 200).refine((value) => !INVISIBLE.test(value), "must contain a visible character"),
  content: text(1, 20_000),
});

export const updatePostInput = z.object({ postId: id, title: text(1, 200), content: text(1, 20_000) });

export const deletePostInput = z.object({ postId: id });

export const submitRatingInput = z.object({ postId: id, score: z.int().min(MIN_SCORE).max(MAX_SCORE) });

/** A new password: the server's rule, which the reset form also checks before sending. */
export const newPassword = z
  .string()
  .min(8, "must be at least 8 characters")
  .max(200, "must be at most 200 characters");
const currentPassword = z
  .string()
  .min(1, "enter your current password")
  .max(200, "must be at most 200 characters");
const email = z.email("must be a valid email address").max(254);
// "<id>.<secret>" from a mailed link; anything longer is not one of ours.
const linkToken = z.string().min(1, "must not be empty").max(100, "must be at most 100 characters");

export const clearRatingInput = z.object({ postId: id });

export const profileInput = z.object({ id });

export const ratingsPublicInput = z.object({ ratingsPublic: z.boolean() });

export const registerInput = z.object({ email, name: text(1, 80), password: newPassword });

export const lockPostInput = z.object({ postId: id });

export const createTokenInput = z.object({ name: text(1, 60) });

export const revokeTokenInput = z.object({ id });

export const confirmEmailInput = z.object({ token: linkToken });

export const requestPasswordResetInput = z.object({ email });

export const resetPasswordInput = z.object({ token: linkToken, password: newPassword });

export const changeNameInput = z.object({ name: text(1, 80) });

export const changeEmailInput = z.object({ email, currentPassword });

export const changePasswordInput = z.object({ currentPassword, newPassword });

export const deleteAccountInput = z.object({
  email: z.string().trim().min(1, "type your account's email address to confirm").max(254),
  password: z.string().max(200, "must be at most 200 characters").nullish(),
});
