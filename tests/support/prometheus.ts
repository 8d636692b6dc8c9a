import parsePrometheusTextFormat from "parse-prometheus-text-format";

type Sample = {
  labels?: Record<string, string>;
  value?: string;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
};
type Family = { name: string; help: string; type: string; metrics: Sample[] };

/** A scrape parsed by a real Prometheus text-format parser, with lookups by name and labels. */
export function parseScrape(text: string) {
  const families = parsePrometheusTextFormat(text) as Family[];
  // The parser folds a histogram's series into one sample and drops their labels; read untyped,
  // each `_count` and `_sum` series keeps its labels.
  const histograms = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]);
  const untyped = parsePrometheusTextFormat(
    text
      .split("\n")
      .filter(
        (line) =>
          !histograms.some(
            (name) => line.startsWith(`# HELP ${name} `) || line.startsWith(`# TYPE ${name} `),
          ),
      )
      .join("\n"),
  ) as Family[];
  // Untyped, a series interrupted by another one comes back as several families of the same name.
  const samples = (name: string, labels: Record<string, string> = {}, from = families) => {
    const found = from.filter((f) => f.name === name);
    if (found.length === 0) throw new Error(`no metric ${name} in the scrape`);
    return found
      .flatMap((f) => f.metrics)
      .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  };
  return {
    families,
    /** A counter's or gauge's value (0 when no sample has these labels yet). */
    value(name: string, labels: Record<string, string> = {}): number {
      return samples(name, labels).reduce((sum, m) => sum + Number(m.value), 0);
    },
    /** A histogram's count and sum over the samples with these labels. */
    histogram(name: string, labels: Record<string, string> = {}): { count: number; sum: number } {
      samples(name); // throws for a name the scrape does not declare
      const total = (series: string) =>
        untyped.some((f) => f.name === series)
          ? samples(series, labels, untyped).reduce((sum, m) => sum + Number(m.value), 0)
          : 0; // declared, nothing observed yet
      return { count: total(`${name}_count`), sum: total(`${name}_sum`) };
    },
  };
}
