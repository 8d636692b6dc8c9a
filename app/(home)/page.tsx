import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { ListControls } from "@/components/list-controls";
import { PAGE_SIZE, parseListParams } from "@/components/list-params";
import { PostList } from "@/components/post-list";
import { getQueryClient, trpcServer } from "@/server/api/rsc";

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { sort, q } = parseListParams(await searchParams);
  const queryClient = getQueryClient();
  await queryClient.prefetchInfiniteQuery(
    trpcServer.post.list.infiniteQueryOptions(
      { sort, q, limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor },
    ),
  );
  return (
    <>
      <h1 className="visually-hidden">Posts</h1>
      <ListControls sort={sort} q={q} />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <PostList key={`${sort}:${q ?? ""}`} sort={sort} q={q} />
      </HydrationBoundary>
    </>
  );
}
