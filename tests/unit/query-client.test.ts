import { TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { makeQueryClient } from "@/server/api/query-client";

/** Runs a query that fails with `error` through the app's query client; returns how often it ran. */
async function attempts(error: unknown): Promise<number> {
  const client = makeQueryClient();
  let calls = 0;
  await client
    .fetchQuery({
      queryKey: ["failing"],
      queryFn: () => {
        calls += 1;
        throw error;
      },
      retryDelay: 0,
    })
    .catch(() => {});
  return calls;
}

function clientError(httpStatus: number, code: string) {
  return TRPCClientError.from({
    error: { message: code, code: -32000, data: { code, httpStatus } },
  });
}

describe("the query client's retries", () => {
  it.each([
    ["a server component's NOT_FOUND", new TRPCError({ code: "NOT_FOUND" })],
    ["a server component's BAD_REQUEST", new TRPCError({ code: "BAD_REQUEST" })],
    ["a server component's TOO_MANY_REQUESTS", new TRPCError({ code: "TOO_MANY_REQUESTS" })],
    ["a browser's 404", clientError(404, "NOT_FOUND")],
    ["a browser's 401", clientError(401, "UNAUTHORIZED")],
  ])("never retries %s", async (_name, error) => {
    expect(await attempts(error)).toBe(1);
  });

  it.each([
    ["a server component's INTERNAL_SERVER_ERROR", new TRPCError({ code: "INTERNAL_SERVER_ERROR" })],
    ["a browser's 503", clientError(503, "SERVICE_UNAVAILABLE")],
    ["a network failure", new TypeError("fetch failed")],
  ])("retries %s once", async (_name, error) => {
    expect(await attempts(error)).toBe(2);
  });
});
