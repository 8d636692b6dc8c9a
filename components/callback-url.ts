/**
 * Where to go after signing in: the path of `raw` when it is on this site, otherwise "/". The value
 * is parsed as a URL, as the browser will, rather than matched as text: browsers read `/\evil.example`,
 * `/<tab>/evil.example` and `\\evil.example` as links to another host, which a "starts with one
 * slash" check lets through.
 */
export function sameOriginPath(raw: string | null | undefined, origin: string): string {
  if (!raw) return "/";
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin) return "/";
  // A same-origin URL can still have a path such as "//evil.example" (from "/.//evil.example"),
  // which a router would follow as protocol-relative: keep exactly one leading slash.
  return `/${url.pathname.replace(/^\/+/, "")}${url.search}${url.hash}`;
}
