"use client";

export default function ErrorBoundary({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <section className="narrow empty" role="alert">
      <h1>Something went wrong</h1>
      <p>The page could not be shown. {error.digest ? `(reference ${error.digest})` : null}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
