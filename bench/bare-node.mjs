// Baseline for `npm run bench`: a bare Node HTTP server answering the same small JSON as /api/ping.
import { createServer } from "node:http";

const body = JSON.stringify({ ok: true });
const port = Number(process.argv[2] ?? 3201);
createServer((req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}).listen(port, "127.0.0.1", () => console.log(`bare node on ${port}`));
