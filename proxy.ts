import type { NextRequest } from "next/server";
import { refuseLargeBatch } from "@/server/api/batch";
import { refuseTooManyCookies } from "@/server/cookie-limit";

/**
 * Runs before every page and app route: refuses requests whose cost is in their shape, before the
 * framework parses them (a Cookie header of hundreds of cookies, a tRPC batch of many calls). Only
 * counts characters, so a refused request costs next to nothing.
 */
export function proxy(request: NextRequest): Response | undefined {
  return (
    refuseTooManyCookies(request.headers.get("cookie")) ??
    refuseLargeBatch(request.nextUrl.pathname) ??
    undefined
  );
}

export const config = {
  // Static assets are served without parsing cookies. /api/trpc is left out too: running the proxy
  // costs Next.js about a millisecond of CPU per request (a web Request, its cookies, an
  // AbortSignal), more than most API calls themselves, and the endpoint (server/api/http.ts) makes
  // the same refusals on the Node request. Everything else passes through here.
  matcher: ["/((?!_next/static|_next/image|api/trpc/).*)"],
};
