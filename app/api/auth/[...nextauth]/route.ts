import NextAuth from "next-auth";
import { authOptions } from "@/server/auth";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Options are built per request so a missing NEXTAUTH_SECRET fails the request, not the build.
function handler(req: Request, context: RouteContext) {
  return NextAuth(authOptions())(req, context);
}

export { handler as GET, handler as POST };
