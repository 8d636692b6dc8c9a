import type { NextRequest } from "next/server";
import { refuseLargeBatch } from "@/server/api/batch";
import { refuseTooManyCookies } from "@/server/cookie-limit";

/**
 * Runs before every route: refuses requests whose cost is in their shape, before the framework
 * or tRPC parses them (a Cookie header of hundreds of cookies, a tRPC batch of many calls). Only
 * counts characters, so a refused request costs next to nothing, and it holds whichever router
 * serves /api/trpc.
 */
export function proxy(request: NextRequest): Response | undefined {
  return (
    refuseTooManyCookies(request.headers.get("cookie")) ??
    refuseLargeBatch(request.nextUrl.pathname) ??
    undefined
  );
}

export const config = {
  // Static assets are served without parsing cookies; everything else passes through here.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
