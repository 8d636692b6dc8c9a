declare module "parse-prometheus-text-format" {
  /** Parses Prometheus text exposition into prom2json's shape (every number as a string). */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
