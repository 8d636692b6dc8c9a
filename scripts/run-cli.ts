/**
 * Runs a command-line entry point. On failure it prints what went wrong (for a database error,
 * the cause drizzle wraps, not drizzle's message that repeats the whole query) and exits 1.
 */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    console.error(cause instanceof Error ? cause.message : cause);
    process.exit(1);
  });
}
