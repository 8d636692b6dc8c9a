import Link from "next/link";

export default function NotFound() {
  return (
    <section className="narrow empty">
      <h1>Not found</h1>
      <p>There is no post or page at this address.</p>
      <p>
        <Link href="/">Back to all posts</Link>
      </p>
    </section>
  );
}
