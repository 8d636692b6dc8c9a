// `npm run bench:cookies -- --url http://127.0.0.1:3000`: what a flood of oversized Cookie headers
// does to other clients of a running server. Measures post.list for ordinary clients alone, then
// while four connections send requests carrying 1,500 cookies (~10 KB, under Node's 16 KB header
// limit), and how fast those are refused; plus, in this process, what the proxy itself spends on
// such a request (Next builds its NextRequest, parsing the cookies once, before calling it).
import os from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";
import { replaceSection } from "./report";

const { values: opts } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3000" },
    duration: { type: "string", default: "10" },
  },
});
const DURATION = Number(opts.duration);
const COOKIES = Array.from({ length: 1_500 }, (_, i) => `c${i.toString(36)}=${i % 10}`).join("; ");
const LIST = `/api/trpc/post.list?input=${encodeURIComponent(JSON.stringify({ limit: 20 }))}`;

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) =>
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

function proxyMicroseconds(cookie: string): number {
  const rounds = 2_000;
  const started = performance.now();
  for (let i = 0; i < rounds; i++)
    proxy(new NextRequest("http://localhost/api/trpc/post.list", { headers: { cookie } }));
  return ((performance.now() - started) * 1000) / rounds;
}

async function main() {
  const ordinary = { url: `${opts.url}${LIST}`, connections: 10, duration: DURATION };
  const alone = await run(ordinary);
  const [during, flood] = await Promise.all([
    run(ordinary),
    run({ url: `${opts.url}${LIST}`, connections: 4, duration: DURATION, headers: { cookie: COOKIES } }),
  ]);
  const small = proxyMicroseconds("next-auth.session-token=abc; next-auth.csrf-token=def");
  const large = proxyMicroseconds(COOKIES);
  const line = (name: string, r: autocannon.Result, statuses: string) =>
    `| ${name} | ${r.requests.average.toFixed(0)} | ${r.latency.p50} / ${r.latency.p99} | ${statuses} |`;
  const section = [
    "## Oversized Cookie headers",
    "",
    `Measured ${new Date().toISOString().slice(0, 10)} (load average ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end: the machine is shared) with \`npm run bench:cookies\` against \`next start\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}; load generator on the same machine. Ordinary clients: 10 connections of \`post.list\`; flood: 4 connections each sending 1,500 cookies (${COOKIES.length.toLocaleString("en")} bytes) in every request, ${DURATION} s each.`,
    "",
    "| requests | requests/s | p50 / p99 ms | answers |",
    "|---|---|---|---|",
    line("ordinary clients, alone", alone, `${alone["2xx"]} 2xx, ${alone.non2xx} other`),
    line("ordinary clients, during the flood", during, `${during["2xx"]} 2xx, ${during.non2xx} other`),
    line("the flood itself", flood, `${flood.non2xx} refused (431), ${flood["2xx"]} 2xx`),
    "",
    `The proxy's own cost (in-process, NextRequest construction included): ${small.toFixed(0)} µs for a request with two cookies, ${large.toFixed(0)} µs for one with 1,500 (Next's cookie parsing is linear; the quadratic cost was in the route-handler runtime, which such a request no longer reaches). Before the proxy, each such request cost the server 1.1–1.6 s of CPU, and four flooding connections pushed other clients' p50 from 2 ms to 12 s.`,
  ].join("\n");
  console.log(section);
  replaceSection("docs/benchmarks.md", "cookies", section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
