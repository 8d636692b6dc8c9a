import NextAuth from "next-auth";
import { authOptions } from "@/server/auth";
import { refuseBadAuthRequest } from "@/server/auth-route";
import { getDb } from "@/server/runtime";
import { carriesEndedSession } from "@/server/session";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

async function handler(req: Request, context: RouteContext) {
  const { nextauth } = await context.params;
  const refused = await refuseBadAuthRequest(req, nextauth);
  if (refused) return refused;
  // An ended session reads as signed out, with no Set-Cookie: clearing the cookie here could
  // overwrite the cookie of a sign-in the browser made after this request was sent.
  if (nextauth[0] === "session" && (await carriesEndedSession(req.headers.get("cookie"), await getDb())))
    return Response.json({}, { headers: { "Cache-Control": "no-store" } });
  // Options are built per request so a missing NEXTAUTH_SECRET fails the request, not the build.
  return NextAuth(authOptions())(req, context);
}

export { handler as GET, handler as POST };
