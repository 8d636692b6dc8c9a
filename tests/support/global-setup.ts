import postgres from "postgres";

/** With TEST_DATABASE_URL set, an unreachable server fails the run instead of skipping tests. */
export default async function setup() {
  if (process.env.TEST_DRIVER !== "postgres") return;
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DRIVER=postgres needs TEST_DATABASE_URL");
  const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    await client`select 1`;
  } catch (error) {
    throw new Error(
      `TEST_DATABASE_URL (${url}) is unreachable: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await client.end();
  }
}
