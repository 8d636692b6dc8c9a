// Node's fetch Request refuses the method TRACE ("'TRACE' HTTP method is unsupported"),
// and Next.js builds one for every request before the proxy (proxy.ts) or any route can answer, so
// such a request ended in a 500 on every path. They are answered here, at the Node HTTP server,
// before Next.js sees them. (Node's parser answers TRACK with a 400 itself, and CONNECT never reaches a
// request handler: Node emits it separately.)
import type http from "node:http";
import { addRequestHook } from "./http-hooks";

/** Methods no route of the app serves and the framework cannot parse. */
export const REFUSED_METHODS: ReadonlySet<string> = new Set(["TRACE"]);

/** The methods the app's routes answer, for the Allow header of a refusal. */
const ALLOWED = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

/** Answers a request made with one of REFUSED_METHODS: 405 with a JSON body that names the method. */
function refuse(req: http.IncomingMessage, res: http.ServerResponse) {
  const body = JSON.stringify({ error: `the ${req.method} method is not supported; use one of ${ALLOWED}` });
  res.writeHead(405, {
    Allow: ALLOWED,
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
  });
  res.end(body);
}

/** Makes every HTTP server in this process answer REFUSED_METHODS with a 405 itself. Idempotent. */
export function refuseUnsupportedMethods(): void {
  addRequestHook("refuseUnsupportedMethods", (req, res) => {
    if (!REFUSED_METHODS.has(req.method ?? "")) return false;
    refuse(req, res);
    return true;
  });
}
