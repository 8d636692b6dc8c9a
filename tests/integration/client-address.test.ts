import { request as httpRequest, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/server/auth";
import { clientAddress, recordSocketAddresses, SOCKET_ADDRESS_HEADER } from "@/server/client-address";
import { createLimits, LIMIT_VARIABLES, limitsConfigFromEnv } from "@/server/limits";
import { testDbForFile } from "../support/db";

const handle = testDbForFile();

describe("the socket address reaches the app, and a client cannot forge it", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    recordSocketAddresses();
    // A plain Node HTTP server, as `next start` creates: the address is what its handler sees.
    server = createServer((req, res) => {
      const get = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      res.end(clientAddress(get, { kind: "socket" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(headers: Record<string, string>): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: "127.0.0.1", port, headers }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve(body));
      });
      req.on("error", reject);
      req.end();
    });
  }

  it("is the TCP peer's address whatever the client sends", async () => {
    expect(await get({})).toBe("127.0.0.1");
    expect(
      await get({
        "x-forwarded-for": "6.6.6.6",
        "x-real-ip": "6.6.6.7",
        [SOCKET_ADDRESS_HEADER]: "6.6.6.8",
      }),
    ).toBe("127.0.0.1");
  });
});

describe("sign-in attempts with a new X-Forwarded-For each", () => {
  it("are counted against the address the trusted proxy saw (40 attempts, limit 30)", async () => {
    const off = Object.fromEntries(Object.values(LIMIT_VARIABLES).map((variable) => [variable.env, "off"]));
    const limits = createLimits(limitsConfigFromEnv({ ...off, LIMIT_SIGNIN_IP: "30/5m" }));
    const authorize = authorizeCredentials({ openDb: async () => handle.db, limits });
    const outcomes: string[] = [];
    for (let i = 0; i < 40; i++) {
      // TRUST_PROXY=1 (vitest.config.ts): the last entry is what the proxy saw; the rest is the client's.
      const headers = { "x-forwarded-for": `10.${i}.0.1, 203.0.113.9` };
      const outcome = await authorize({ email: `nobody${i}@example.test`, password: "guess" }, { headers })
        .then(() => "checked")
        .catch((error: Error) => error.message);
      outcomes.push(outcome);
    }
    expect(outcomes.slice(0, 30)).toEqual(Array(30).fill("checked"));
    expect(outcomes.slice(30)).toEqual(
      Array(10).fill(expect.stringMatching(/^Too many sign-in attempts: try again in \d+ seconds?$/)),
    );
  });
});
