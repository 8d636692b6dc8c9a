import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { claimPgliteDir } from "@/db/client";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "steadystar-lock-"));
  dirs.push(dir);
  return dir;
}

describe("one process per PGlite directory", () => {
  it("claims a free directory and releases it", () => {
    const dir = freshDir();
    const release = claimPgliteDir(dir);
    expect(readFileSync(path.join(dir, "steadystar.lock"), "utf8")).toBe(String(process.pid));
    release();
    expect(existsSync(path.join(dir, "steadystar.lock"))).toBe(false);
  });

  it("refuses a directory another live process holds, naming it", () => {
    const dir = freshDir();
    // The parent of this test process is alive and is not us.
    writeFileSync(path.join(dir, "steadystar.lock"), String(process.ppid));
    expect(() => claimPgliteDir(dir)).toThrow(
      new RegExp(`open in another process \\(pid ${process.ppid}\\)`),
    );
  });

  it("takes over a lock left by a process that died", () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, "steadystar.lock"), "2147483646");
    const release = claimPgliteDir(dir);
    expect(readFileSync(path.join(dir, "steadystar.lock"), "utf8")).toBe(String(process.pid));
    release();
  });
});
