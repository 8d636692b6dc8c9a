// Run by `npm run build` after `next build`: marks the script every page loads at start (React,
// the Next.js router, the providers) with V8's explicit compile hint, so Chrome compiles it while it
// downloads, off the main thread, instead of function by function while it runs.
//
// Why: a bundler wraps each module in a function that V8 compiles lazily, on the main thread, the
// first time it is called; at start-up every one of these is called at once. Measured on the list
// page (a phone's 4× slower CPU emulated, see docs/benchmarks.md "## Lighthouse"), that compilation
// was most of the page's longest task, the evaluation of the framework's modules. Browsers other
// than Chrome read the hint as a comment.
// https://v8.dev/blog/explicit-compile-hints
import { readFileSync, writeFileSync } from "node:fs";

const HINT = "//# allFunctionsCalledOnLoad\n";
const STATS = ".next/diagnostics/route-bundle-stats.json";

/** @type {{ route: string, firstLoadChunkPaths: string[] }[]} */
let routes;
try {
  routes = JSON.parse(readFileSync(STATS, "utf8"));
} catch (error) {
  // A Next.js release that moves this file costs start-up time, not correctness: say so, do not fail.
  console.warn(`compile hints: not added (${STATS}: ${error instanceof Error ? error.message : error})`);
  process.exit(0);
}

// Pages only: API routes load no browser script.
const pages = routes.filter((r) => !r.route.startsWith("/api/"));
const shared = pages
  .map((r) => r.firstLoadChunkPaths)
  .reduce((common, paths) => common.filter((p) => paths.includes(p)));

let bytes = 0;
for (const file of shared.filter((p) => p.endsWith(".js"))) {
  const code = readFileSync(file, "utf8");
  if (code.startsWith(HINT)) continue;
  writeFileSync(file, HINT + code);
  bytes += code.length;
}
console.log(
  `compile hints: ${shared.length} chunks loaded by all ${pages.length} pages (${Math.round(bytes / 1024)} KB)`,
);
