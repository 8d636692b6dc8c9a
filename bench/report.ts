import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * Replaces the part of a Markdown file between `<!-- NAME:start -->` and `<!-- NAME:end -->` (or
 * appends it), so each benchmark rewrites its own section and leaves the rest of the file alone.
 */
export function replaceSection(file: string, name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = `${start}\n${body.trim()}\n${end}`;
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n";
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(
    file,
    pattern.test(existing) ? existing.replace(pattern, () => text) : `${existing.trimEnd()}\n\n${text}\n`,
  );
}
