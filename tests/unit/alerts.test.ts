import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { metrics } from "@/server/telemetry/metrics";

type Rule = {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
};

const file = path.join(process.cwd(), "ops", "alerts.yml");
const document = parse(readFileSync(file, "utf8")) as { groups?: { name?: unknown; rules?: Rule[] }[] };
const rules = (document.groups ?? []).flatMap((group) => group.rules ?? []);

/** Series a histogram exports besides its own name. */
const exported = async () =>
  new Set(
    (await metrics().registry.getMetricsAsJSON()).flatMap((m) =>
      String(m.type) === "histogram" ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : [m.name],
    ),
  );

describe("ops/alerts.yml", () => {
  it("is a Prometheus rule file: named groups of alerts with an expression, severity and summary", () => {
    expect(document.groups?.length).toBeGreaterThan(0);
    for (const group of document.groups ?? []) expect(typeof group.name).toBe("string");
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      expect(rule.alert).toMatch(/^Steadystar[A-Z][A-Za-z]+$/);
      expect(typeof rule.expr).toBe("string");
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smhd]$/);
      expect(["page", "ticket"]).toContain(rule.labels?.severity);
      expect(typeof rule.annotations?.summary).toBe("string");
      // Brackets and parentheses balance, so a typo in an expression fails here, not in Prometheus.
      const expr = String(rule.expr);
      for (const [open, close] of [
        ["(", ")"],
        ["[", "]"],
        ["{", "}"],
      ] as const)
        expect(expr.split(open).length, `${String(rule.alert)}: ${open}${close}`).toBe(
          expr.split(close).length,
        );
    }
  });

  it("alerts on fold lag, correction drift, error rate, limiter fail-open and held-weight spikes", () => {
    const metricOf = (alert: string) => String(rules.find((rule) => rule.alert === alert)?.expr);
    expect(metricOf("SteadystarFoldLagging")).toContain("steadystar_fold_lag_seconds");
    expect(metricOf("SteadystarCorrectionDrift")).toContain("steadystar_correction_last_drifted_posts");
    expect(metricOf("SteadystarErrorRate")).toMatch(/steadystar_requests_total\{status=~"5\.\."\}/);
    expect(metricOf("SteadystarLimiterFailOpen")).toContain("steadystar_limiter_failopen_total");
    expect(metricOf("SteadystarHeldWeightSpike")).toContain("steadystar_held_weight");
  });

  it("names only series the app exports", async () => {
    const known = await exported();
    const used = rules.flatMap((rule) => String(rule.expr).match(/\bsteadystar_[a-z_]+/g) ?? []);
    expect(used.length).toBeGreaterThan(rules.length - 1);
    for (const name of used) expect(known, name).toContain(name);
  });
});
