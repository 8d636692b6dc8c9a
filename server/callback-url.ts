// Shared by the sign-in form (where to go after signing in) and the auth route (which refuses a
// callbackUrl off the site with a 400 before next-auth sees it).

/** `raw` read as a URL relative to `origin`, or null when it is empty, unparseable or on another origin. */
export function sameOriginUrl(raw: string | null | undefined, origin: string): URL | null {
  if (!raw) return null;
  try {
    const url = new URL(raw, origin);
    return url.origin === new URL(origin).origin ? url : null;
  } catch {
    return null;
  }
}

/**
 * Where to go after signing in: the path of `raw` when it is on this site, otherwise "/". The value
 * is parsed as a URL, as the browser will, rather than matched as text: browsers read `/\evil.example`,
 * `/<tab>/evil.example` and `\\evil.example` as links to another host, which a "starts with one
 * slash" check lets through.
 */
export function sameOriginPath(raw: string | null | undefined, origin: string): string {
  const url = sameOriginUrl(raw, origin);
  if (!url) return "/";
  // A same-origin URL can still have a path such as "//evil.example" (from "/.//evil.example"),
  // which a router would follow as protocol-relative: keep exactly one leading slash.
  return `/${url.pathname.replace(/^\/+/, "")}${url.search}${url.hash}`;
}
