import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseServerConfig, SERVER_VARIABLES } from "@/server/env";

const root = path.resolve(__dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(path.join(root, file)).isDirectory()) return sourceFiles(file);
    return /\.(ts|tsx|mjs|js)$/.test(name) ? [file] : [];
  });
}

const ROOT_FILES = [
  "instrumentation.ts",
  "next.config.mjs",
  "drizzle.config.ts",
  "playwright.config.ts",
  "vitest.config.ts",
];
const APP_DIRS = ["app", "components", "server", "db", "scripts"];
const TOOL_DIRS = ["tests", "bench", "e2e"];

/** Every variable the files read from process.env, by property or by quoted key. */
function envReads(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const match of read(file).matchAll(
      /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[["']([A-Z][A-Z0-9_]*)["']\])/g,
    ))
      names.add((match[1] ?? match[2])!);
  }
  return names;
}

/** The first column of README's configuration table, and its "Set by tooling" list. */
function readmeVariables(): { table: Set<string>; tooling: Set<string> } {
  const readme = read("README.md");
  const section = readme.slice(
    readme.indexOf("## Configuration"),
    readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5),
  );
  const table = new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` /gm)].map((m) => m[1]!));
  const toolingLine = /Set by tooling, not by you:([^\n]*(?:\n(?!\n)[^\n]*)*)/.exec(section)?.[1] ?? "";
  const tooling = new Set([...toolingLine.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
  return { table, tooling };
}

describe("server configuration", () => {
  it("defaults every value for an empty environment", () => {
    const config = parseServerConfig({});
    expect(config.database).toEqual({
      url: null,
      poolSize: 10,
      prepare: false,
      pgliteDir: null,
      serverless: false,
    });
    expect(config.engine).toEqual({ windowSeconds: 120, policy: "steady" });
    expect(config.jobs).toEqual({ mode: "embedded", embeddedScheduler: true });
    expect(config.port).toBe(3000);
    expect(config.limits.redis).toBeNull();
  });

  it("reads what is set", () => {
    const config = parseServerConfig({
      DATABASE_URL: "postgres://u@db:5432/x",
      DATABASE_POOL_SIZE: "4",
      DATABASE_PREPARE: "1",
      ADMIN_EMAILS: " Boss@Example.test ,",
      STEADYSTAR_SCHEDULER: "off",
      PORT: "3201",
    });
    expect(config.database).toMatchObject({ url: "postgres://u@db:5432/x", poolSize: 4, prepare: true });
    expect(config.adminEmails).toEqual(["boss@example.test"]);
    expect(config.jobs.embeddedScheduler).toBe(false);
    expect(config.port).toBe(3201);
  });

  it.each([
    [{ DATABASE_POOL_SIZE: "lots" }, /DATABASE_POOL_SIZE/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL: must be a postgres/],
    [{ DATABASE_PREPARE: "yes" }, /DATABASE_PREPARE/],
    [{ PORT: "70000" }, /PORT/],
    [{ NEXTAUTH_URL: "not a url" }, /NEXTAUTH_URL/],
    [{ STEADYSTAR_SCHEDULER: "sometimes" }, /STEADYSTAR_SCHEDULER/],
    [{ RATING_WINDOW_SECONDS: "7" }, /RATING_WINDOW_SECONDS/],
    [{ SCORE_POLICY: "median" }, /SCORE_POLICY/],
    [{ LIMIT_RATING_USER: "many" }, /LIMIT_RATING_USER/],
    [{ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" }, /UPSTASH_REDIS_REST_TOKEN/],
    [{ VERCEL: "1" }, /INNGEST_SIGNING_KEY/],
  ])("refuses %o with a message naming the variable", (env, message) => {
    expect(() => parseServerConfig(env)).toThrow(message);
  });
});

describe("README's configuration table and .env.example", () => {
  const { table, tooling } = readmeVariables();
  const appFiles = [...APP_DIRS.flatMap(sourceFiles), ...ROOT_FILES];
  const toolFiles = TOOL_DIRS.flatMap(sourceFiles);

  it("list every variable the server configuration reads", () => {
    expect(SERVER_VARIABLES.filter((name) => !table.has(name) && !tooling.has(name))).toEqual([]);
  });

  it("list every variable any code reads, and the app reads only through server/env.ts", () => {
    const reads = envReads([...appFiles, ...toolFiles]);
    expect([...reads].filter((name) => !table.has(name) && !tooling.has(name))).toEqual([]);
    const outside = envReads(appFiles.filter((file) => file !== path.join("server", "env.ts")));
    // Read before any app module loads: Next's own runtime flag and the tooling configs.
    const allowed = new Set([...tooling, ...envReads(ROOT_FILES)]);
    expect([...outside].filter((name) => !allowed.has(name))).toEqual([]);
  });

  it("list no variable that nothing reads", () => {
    const everything = [...appFiles, ...toolFiles].map(read).join("\n") + read(".ci/run");
    const known = new Set([...SERVER_VARIABLES]);
    expect([...table].filter((name) => !known.has(name) && !everything.includes(name))).toEqual([]);
  });

  it("agree with .env.example, which lists every variable a person sets", () => {
    const example = new Set(
      [...read(".env.example").matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!),
    );
    expect([...example].filter((name) => !table.has(name))).toEqual([]);
    expect([...table].filter((name) => !example.has(name))).toEqual([]);
  });
});
