// A benchmark's own database on the BENCH_ADMIN_URL server, so benchmarks never share data.
import { execFileSync } from "node:child_process";
import postgres from "postgres";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** The URL of database `name` on the bench server. */
export function benchDatabaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops and recreates database `name`, applies every migration, and returns its URL. */
export async function freshBenchDatabase(name: string): Promise<string> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = benchDatabaseUrl(name);
  execFileSync("npm", ["run", "-s", "db:migrate"], {
    stdio: "inherit",
    env: { ...process.env, DATABASE_URL: url },
  });
  return url;
}
