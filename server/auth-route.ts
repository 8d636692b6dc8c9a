import "server-only";
import { sameOriginUrl } from "./callback-url";
import { serverConfig } from "./env";

// Requests next-auth itself answers with a 500 (it throws on a callbackUrl it cannot parse and has
// no answer for a GET of the credentials callback). They are refused here with a 4xx that says why.

function refusal(status: number, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** The origin sign-in may return to: NEXTAUTH_URL's when set, otherwise the request's own. */
function siteOrigin(req: Request): string {
  const configured = serverConfig().nextAuthUrl;
  return new URL(configured ?? req.url).origin;
}

/** The callbackUrl a form POST carries (next-auth's client posts url-encoded forms), if any. */
async function postedCallbackUrl(req: Request): Promise<string | null> {
  if (req.method !== "POST") return null;
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) return null;
  return new URLSearchParams(await req.clone().text()).get("callbackUrl");
}

/**
 * A 4xx for an auth request next-auth would answer with a 500, or null to let next-auth answer:
 * 405 for anything but POST to the credentials callback, 400 for a callbackUrl (query or form) that
 * is not a URL of this site.
 */
export async function refuseBadAuthRequest(req: Request, route: string[]): Promise<Response | null> {
  const [action, provider] = route;
  if (action === "callback" && provider === "credentials" && req.method !== "POST")
    return refusal(405, "the credentials callback accepts POST only: sign in from /signin", {
      Allow: "POST",
    });
  const origin = siteOrigin(req);
  for (const callbackUrl of [new URL(req.url).searchParams.get("callbackUrl"), await postedCallbackUrl(req)])
    if (callbackUrl !== null && !sameOriginUrl(callbackUrl, origin))
      return refusal(400, "callbackUrl: must be a path or URL on this site");
  return null;
}
