import Link from "next/link";
import type { PostSort } from "@/server/posts/sorts";

const SORT_LABELS: Record<PostSort, string> = {
  newest: "Newest",
  top: "Top rated",
  most_rated: "Most rated",
};

/** Sort tabs and title search as plain links and a GET form, so they work before JavaScript and can be shared. */
export function ListControls({ sort, q }: { sort: PostSort; q?: string }) {
  const href = (s: PostSort) => {
    const params = new URLSearchParams();
    if (s !== "newest") params.set("sort", s);
    if (q) params.set("q", q);
    const query = params.toString();
    return query ? `/?${query}` : "/";
  };
  return (
    <div className="controls">
      <nav aria-label="Sort posts" className="tabs">
        {(Object.keys(SORT_LABELS) as PostSort[]).map((s) => (
          <Link key={s} href={href(s)} prefetch={false} aria-current={s === sort ? "page" : undefined}>
            {SORT_LABELS[s]}
          </Link>
        ))}
      </nav>
      <form action="/" method="get" role="search" className="search">
        {sort !== "newest" && <input type="hidden" name="sort" value={sort} />}
        <label htmlFor="q" className="visually-hidden">
          Search titles
        </label>
        <input id="q" name="q" type="search" placeholder="Search titles" defaultValue={q} maxLength={200} />
        <button type="submit">Search</button>
      </form>
    </div>
  );
}
