// `next start` offers no way to act on a request before Next.js parses it; its HTTP server is a
// plain Node http.Server, so hooks are installed on http.Server.prototype.emit, once per process.
import http from "node:http";

/** Runs first for every request of every HTTP server in the process; true when it answered the request. */
export type RequestHook = (req: http.IncomingMessage, res: http.ServerResponse) => boolean;

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
type Prototype = { emit: Emit } & Record<symbol, true | undefined>;

/** Installs `hook` ahead of Next.js under `name`; installing the same name again does nothing. */
export function addRequestHook(name: string, hook: RequestHook): void {
  const prototype = http.Server.prototype as unknown as Prototype;
  const key = Symbol.for(`steadystar.requestHook.${name}`);
  if (prototype[key]) return;
  const emit = prototype.emit;
  prototype.emit = function (event, ...args) {
    if (event === "request" && hook(args[0] as http.IncomingMessage, args[1] as http.ServerResponse))
      return true;
    return emit.call(this, event, ...args);
  };
  prototype[key] = true;
}
