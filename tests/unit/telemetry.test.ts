import { describe, expect, it } from "vitest";
import { logLevel, operationsConfig, tracingConfigured } from "@/server/operations/config";
import { requestIdFrom } from "@/server/telemetry/request";
import { inSpan, statementVerb, tracingEnabled } from "@/server/telemetry/tracing";

describe("telemetry settings", () => {
  it("traces only when an OTLP endpoint is set and the SDK is not disabled", () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(
      true,
    );
    expect(
      tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" }),
    ).toBe(false);
  });

  it("with tracing off, a span helper only runs the work and passes its result and errors through", async () => {
    expect(tracingEnabled()).toBe(false);
    await expect(inSpan("x", {}, async (span) => ({ span }))).resolves.toEqual({ span: undefined });
    await expect(inSpan("x", {}, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });

  it("names statement spans by their first keyword", () => {
    expect(statementVerb("  select 1")).toBe("select");
    expect(statementVerb("WITH batch as (…) insert …")).toBe("with");
    expect(statementVerb("")).toBe("sql");
  });

  it("keeps a well-formed client request id and makes one otherwise", () => {
    const headers = (values: Record<string, string>) => (name: string) => values[name];
    expect(requestIdFrom(headers({ "x-request-id": "abc-123_DEF.456" }))).toBe("abc-123_DEF.456");
    expect(requestIdFrom(headers({ "x-vercel-id": "fra1::iad1::abcde-1700000000000-0123456789ab" }))).toBe(
      "fra1::iad1::abcde-1700000000000-0123456789ab",
    );
    for (const bad of ["short", "has space in it", "x".repeat(101), "<script>alert(1)</script>"]) {
      expect(requestIdFrom(headers({ "x-request-id": bad }))).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(requestIdFrom(headers({}))).not.toBe(requestIdFrom(headers({})));
  });

  it("turns metrics on with METRICS_TOKEN, and names the service", () => {
    expect(operationsConfig({})).toEqual({
      metricsToken: null,
      tracing: false,
      serviceName: "steadystar",
      logLevel: "info",
      maxFoldLagSeconds: 300,
    });
    expect(operationsConfig({ METRICS_TOKEN: " s3cret ", OTEL_SERVICE_NAME: "ss-eu" })).toMatchObject({
      metricsToken: "s3cret",
      serviceName: "ss-eu",
    });
  });

  it("reads LOG_LEVEL and names the variable when it is wrong", () => {
    expect(logLevel({})).toBe("info");
    expect(logLevel({ LOG_LEVEL: "DEBUG" })).toBe("debug");
    expect(() => logLevel({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL="verbose"/);
  });
});
