// The client's address, for per-address rate limits. Forwarding headers are written by whoever
// sends the request, so they are believed only as far as TRUST_PROXY says proxies in front wrote them.
import { addRequestHook } from "./http-hooks";

/**
 * Where the client's address comes from:
 * - socket: no proxy in front; the TCP peer's address.
 * - proxies: `count` proxies in front, each appending the address it received the request from to
 *   X-Forwarded-For, so the client is the count-th entry from the right; entries further left are
 *   whatever the client sent.
 * - vercel: Vercel's own `x-vercel-forwarded-for`, which its edge overwrites.
 */
export type ProxyTrust = { kind: "socket" } | { kind: "proxies"; count: number } | { kind: "vercel" };

/**
 * Carries the TCP peer's address into route handlers, which Next.js does not expose. Written by
 * recordSocketAddresses() on every request, replacing any value the client sent.
 */
export const SOCKET_ADDRESS_HEADER = "x-steadystar-socket-address";

const MAX_PROXIES = 10;
const MAX_ADDRESS_LENGTH = 64;

/** TRUST_PROXY: unset (Vercel's header on Vercel, else the socket), `0`, a proxy count 1–10, or `vercel`. */
export function proxyTrustFromEnv(env: Record<string, string | undefined>): ProxyTrust {
  const raw = env.TRUST_PROXY?.trim().toLowerCase();
  if (!raw) return env.VERCEL ? { kind: "vercel" } : { kind: "socket" };
  if (raw === "vercel") return { kind: "vercel" };
  const count = /^\d{1,2}$/.test(raw) ? Number(raw) : Number.NaN;
  if (count === 0) return { kind: "socket" };
  if (count >= 1 && count <= MAX_PROXIES) return { kind: "proxies", count };
  throw new Error(
    `TRUST_PROXY="${env.TRUST_PROXY}" is not valid: write 0 (no proxy: the socket address), the number of proxies in front of the server (1–${MAX_PROXIES}), or "vercel"`,
  );
}

function address(value: string | null | undefined): string | null {
  const text = value?.trim();
  return text ? text.slice(0, MAX_ADDRESS_LENGTH) : null;
}

/** The client's address by the given trust ("unknown" when the trusted source does not say). */
export function clientAddress(get: (name: string) => string | null | undefined, trust: ProxyTrust): string {
  switch (trust.kind) {
    case "socket":
      return address(get(SOCKET_ADDRESS_HEADER)) ?? "unknown";
    case "vercel":
      return address(get("x-vercel-forwarded-for")?.split(",")[0]) ?? "unknown";
    case "proxies": {
      const hops = (get("x-forwarded-for") ?? "").split(",");
      // Fewer hops than proxies: the request did not come through them all, so no entry is trusted.
      return hops.length < trust.count ? "unknown" : (address(hops[hops.length - trust.count]) ?? "unknown");
    }
  }
}

/**
 * Makes every HTTP server in this process stamp each request with its TCP peer's address
 * (SOCKET_ADDRESS_HEADER), before Next.js sees it. `next start` keeps a client's X-Forwarded-For as
 * sent and offers route handlers no other way to the socket. Idempotent.
 */
export function recordSocketAddresses(): void {
  addRequestHook("recordSocketAddresses", (req) => {
    req.headers[SOCKET_ADDRESS_HEADER] = req.socket.remoteAddress ?? "";
    return false;
  });
}
