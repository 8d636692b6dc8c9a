import { refusalResponse, type JsonRefusal } from "./json-refusal";

// Next's route-handler runtime spends time roughly quadratic in the number of cookies a request
// carries (about 1.3 s of CPU for 1,500 small ones), so a client could stall the server with one
// header. The app itself sets a handful (next-auth's session, CSRF and callback cookies); browsers
// keep other localhost apps' cookies too, hence room for many more than that.
export const MAX_COOKIES = 64;

/** The number of cookies in a Cookie header, counted in one pass without splitting it. */
export function cookieCount(header: string | null): number {
  if (!header) return 0;
  let count = 1;
  for (let at = header.indexOf(";"); at !== -1; at = header.indexOf(";", at + 1)) count += 1;
  return count;
}

/** 431 for a request carrying more cookies than allowed, before anything parses them; otherwise null. */
export function tooManyCookiesRefusal(header: string | null | undefined): JsonRefusal | null {
  const count = cookieCount(header ?? null);
  if (count <= MAX_COOKIES) return null;
  return {
    status: 431,
    headers: { "Cache-Control": "no-store" },
    body: {
      error: `the Cookie header holds ${count} cookies; at most ${MAX_COOKIES} are accepted: clear this site's cookies and retry`,
    },
  };
}

/** tooManyCookiesRefusal as a web Response, for the proxy. */
export function refuseTooManyCookies(header: string | null): Response | null {
  const refusal = tooManyCookiesRefusal(header);
  return refusal && refusalResponse(refusal);
}
