"use client";
import { useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import type { PostPage, PostSummary } from "@/server/posts/queries";
import { StarRating } from "./star-rating";
import { useTRPC } from "./trpc";
import { isApiError } from "./api-error";
import { useSession } from "./session";

type RatedFields = Pick<PostSummary, "id" | "myRating" | "ratingCount" | "score" | "locked">;

type Refusal = { message: string; signIn: boolean };

function explain(error: unknown): Refusal {
  const refusal = (message: string, signIn = false) => ({ message, signIn });
  if (isApiError(error)) {
    const code = error.data?.code;
    if (code === "UNAUTHORIZED") return refusal("Your session has ended: sign in again to rate.", true);
    if (code === "TOO_MANY_REQUESTS")
      return refusal(error.message || "Too many ratings. Try again in a moment.");
    if (code === "FORBIDDEN") return refusal(error.message || "This post is not accepting ratings.");
    if (code === "NOT_FOUND") return refusal("This post no longer exists.");
    if (code === undefined)
      return refusal("Network error: your rating was not saved. Check your connection and try again.");
    return refusal(error.message);
  }
  return refusal("Your rating was not saved. Try again.");
}

/** Where "Sign in" returns to: this page. */
function useSignInHref(): string {
  // Null only in a pages-router page, where this component is never rendered; home is the safe return.
  return `/signin?callbackUrl=${encodeURIComponent(usePathname() ?? "/")}`;
}

/**
 * The star control of one post. Closed or signed out, it is the disabled stars and a note, with no
 * state: the mutations (two observers per card) exist only where someone can rate, since on the
 * signed-out list they were twenty cards' worth of hydration work that could never be used.
 */
export function RatingControl({ post }: { post: RatedFields }) {
  const { status } = useSession();
  if (post.locked) {
    return (
      <div className="rating">
        <StarRating value={post.myRating} onRate={() => {}} disabled label="Rating (closed by a moderator)" />
        <p className="hint">Ratings are closed by a moderator</p>
      </div>
    );
  }
  if (status !== "authenticated") return <SignInToRate />;
  return <ActiveRatingControl post={post} />;
}

function SignInToRate() {
  return (
    <div className="rating">
      <StarRating value={null} onRate={() => {}} disabled label="Rating (sign in to rate)" />
      <p className="hint">
        <Link href={useSignInHref()} prefetch={false}>
          Sign in to rate
        </Link>
      </p>
    </div>
  );
}

/** The control of a signed-in reader, with an optimistic update of every cached copy of the post. */
function ActiveRatingControl({ post }: { post: RatedFields }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const signInHref = useSignInHref();
  const [error, setError] = useState<Refusal | null>(null);

  function patchCaches(update: (p: RatedFields) => Partial<RatedFields>) {
    queryClient.setQueriesData<InfiniteData<PostPage>>(trpc.post.list.pathFilter(), (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.map((p) => (p.id === post.id ? { ...p, ...update(p) } : p)),
            })),
          }
        : data,
    );
    queryClient.setQueryData(trpc.post.byId.queryKey({ id: post.id }), (p) =>
      p ? { ...p, ...update(p) } : p,
    );
  }

  const rate = useMutation(
    trpc.rating.submit.mutationOptions({
      onMutate: async ({ score }) => {
        setError(null);
        await queryClient.cancelQueries(trpc.post.pathFilter());
        const previous = { myRating: post.myRating, ratingCount: post.ratingCount, score: post.score };
        patchCaches((p) => ({
          myRating: score,
          ratingCount: p.myRating === null ? p.ratingCount + 1 : p.ratingCount,
        }));
        return previous;
      },
      onError: (err, _input, previous) => {
        if (previous) patchCaches(() => previous);
        setError(explain(err));
      },
      onSuccess: (result) => {
        patchCaches(() => ({
          myRating: result.myRating,
          ratingCount: result.ratingCount,
          score: result.score,
        }));
      },
    }),
  );

  const clear = useMutation(
    trpc.rating.clear.mutationOptions({
      onMutate: async () => {
        setError(null);
        await queryClient.cancelQueries(trpc.post.pathFilter());
        const previous = { myRating: post.myRating, ratingCount: post.ratingCount, score: post.score };
        patchCaches((p) => ({
          myRating: null,
          ratingCount: p.myRating === null ? p.ratingCount : p.ratingCount - 1,
        }));
        return previous;
      },
      onError: (err, _input, previous) => {
        if (previous) patchCaches(() => previous);
        setError(explain(err));
      },
      onSuccess: (result) => {
        patchCaches(() => ({ myRating: null, ratingCount: result.ratingCount, score: result.score }));
      },
    }),
  );
  // The score moves at the next fold (every minute): say so, so a new rating never looks lost.
  const justChanged = (rate.isSuccess && rate.data.changed) || (clear.isSuccess && clear.data.changed);

  return (
    <div className="rating">
      <StarRating
        value={post.myRating}
        onRate={(score) => rate.mutate({ postId: post.id, score })}
        label="Your rating"
      />
      {!error && (
        <p className="hint" role="status">
          {post.myRating !== null
            ? `You rated ${post.myRating}. `
            : justChanged
              ? "Your rating was cleared. "
              : ""}
          {justChanged && "The score takes it into account within a minute. "}
          {post.myRating !== null && (
            <button
              type="button"
              className="link-button"
              onClick={() => clear.mutate({ postId: post.id })}
              disabled={clear.isPending}
            >
              Clear my rating
            </button>
          )}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
          {error.signIn && (
            <>
              {" "}
              <Link href={signInHref} prefetch={false}>
                Sign in
              </Link>
            </>
          )}
        </p>
      )}
    </div>
  );
}
