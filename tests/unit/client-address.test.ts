import { describe, expect, it } from "vitest";
import {
  clientAddress,
  proxyTrustFromEnv,
  SOCKET_ADDRESS_HEADER,
  type ProxyTrust,
} from "@/server/client-address";

function from(headers: Record<string, string>, trust: ProxyTrust) {
  return clientAddress((name) => headers[name], trust);
}

describe("TRUST_PROXY", () => {
  it.each([
    [{}, { kind: "socket" }],
    [{ TRUST_PROXY: "0" }, { kind: "socket" }],
    [{ VERCEL: "1" }, { kind: "vercel" }],
    [{ TRUST_PROXY: "Vercel" }, { kind: "vercel" }],
    [{ TRUST_PROXY: "2" }, { kind: "proxies", count: 2 }],
    [{ TRUST_PROXY: "0", VERCEL: "1" }, { kind: "socket" }],
  ])("%j → %j", (env, trust) => {
    expect(proxyTrustFromEnv(env)).toEqual(trust);
  });

  it.each(["true", "-1", "11", "1.5", "all", "1,2"])("refuses %j, naming the variable", (value) => {
    expect(() => proxyTrustFromEnv({ TRUST_PROXY: value })).toThrow(/^TRUST_PROXY=/);
  });
});

describe("the client's address", () => {
  const spoofed = {
    "x-forwarded-for": "6.6.6.6",
    "x-real-ip": "6.6.6.7",
    "x-vercel-forwarded-for": "6.6.6.8",
  };

  it("without a proxy is the socket's, whatever forwarding headers the client sends", () => {
    expect(from({ ...spoofed, [SOCKET_ADDRESS_HEADER]: "192.0.2.1" }, { kind: "socket" })).toBe("192.0.2.1");
    expect(from(spoofed, { kind: "socket" })).toBe("unknown");
  });

  it("behind N proxies is the N-th X-Forwarded-For entry from the right, never one the client wrote", () => {
    const chain = { "x-forwarded-for": "6.6.6.6, 7.7.7.7, 198.51.100.4, 10.0.0.2" };
    expect(from(chain, { kind: "proxies", count: 1 })).toBe("10.0.0.2");
    expect(from(chain, { kind: "proxies", count: 2 })).toBe("198.51.100.4");
    expect(from({ "x-forwarded-for": "198.51.100.4" }, { kind: "proxies", count: 1 })).toBe("198.51.100.4");
    // Fewer entries than proxies: the request skipped a proxy, so nothing in the header is trusted.
    expect(from({ "x-forwarded-for": "6.6.6.6" }, { kind: "proxies", count: 2 })).toBe("unknown");
    expect(from({}, { kind: "proxies", count: 1 })).toBe("unknown");
    expect(from({ "x-forwarded-for": ",,," }, { kind: "proxies", count: 1 })).toBe("unknown");
    expect(
      from({ "x-forwarded-for": `1.2.3.4, ${"a".repeat(5_000)}` }, { kind: "proxies", count: 1 }),
    ).toHaveLength(64);
  });

  it("on Vercel is Vercel's own header, not X-Forwarded-For", () => {
    expect(from({ ...spoofed, "x-vercel-forwarded-for": "203.0.113.5" }, { kind: "vercel" })).toBe(
      "203.0.113.5",
    );
    expect(from({ "x-forwarded-for": "6.6.6.6" }, { kind: "vercel" })).toBe("unknown");
  });
});
