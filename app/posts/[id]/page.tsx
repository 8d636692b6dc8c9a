import type { Metadata } from "next";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { formatRatingCount, formatScore } from "@/components/format";
import { HISTORY_HOURS } from "@/components/post-queries";
import { PostView } from "@/components/post-view";
import { getQueryClient, trpcServer } from "@/server/api/rsc";
import { serverConfig } from "@/server/env";

function parseId(raw: string): number {
  const id = Number(raw);
  if (!/^\d{1,10}$/.test(raw) || !Number.isSafeInteger(id) || id < 1 || id > 2_147_483_647) notFound();
  return id;
}

/** The post, fetched once per request (the metadata and the page share the request's query client). */
async function loadPost(id: number) {
  try {
    return await getQueryClient().fetchQuery(trpcServer.post.byId.queryOptions({ id }));
  } catch (error) {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const post = await loadPost(parseId((await params).id));
  const score = formatScore(post.score);
  const description = `${score ? `Rated ${score} of 5 from ${formatRatingCount(post.ratingCount)}. ` : ""}${post.excerpt}`;
  const title = `${post.title} · steadystar`;
  return {
    title,
    description,
    alternates: { canonical: `/posts/${post.id}` },
    openGraph: { title, description, type: "article", url: `/posts/${post.id}`, siteName: "steadystar" },
    twitter: { card: "summary", title, description },
  };
}

export default async function PostPage({ params }: { params: Promise<{ id: string }> }) {
  const id = parseId((await params).id);
  const queryClient = getQueryClient();
  // The breakdown and the timeline's figures come with the page, so its text is in the HTML and the
  // browser's first render has nothing left to fetch; only the chart's drawing waits (see ScoreTimeline).
  await Promise.all([
    loadPost(id),
    queryClient.prefetchQuery(trpcServer.post.history.queryOptions({ id, hours: HISTORY_HOURS })),
    queryClient.prefetchQuery(trpcServer.post.breakdown.queryOptions({ id })),
  ]);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <PostView id={id} windowSeconds={serverConfig().engine.windowSeconds} />
    </HydrationBoundary>
  );
}
