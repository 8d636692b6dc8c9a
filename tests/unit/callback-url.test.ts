import { describe, expect, it } from "vitest";
import { sameOriginPath } from "@/server/callback-url";

const ORIGIN = "http://127.0.0.1:3000";

describe("sameOriginPath: where sign-in may send the browser", () => {
  it.each([
    ["/\\evil.example/"],
    ["/\t/evil.example/"],
    ["/\n/evil.example/"],
    ["/\r/evil.example/"],
    ["/\\/evil.example/"],
    ["\\/evil.example/"],
    ["\\\\evil.example"],
    ["//evil.example"],
    ["///evil.example"],
    ["https://evil.example/"],
    ["http://127.0.0.1:3000.evil.example/"],
    ["http://127.0.0.1:3000@evil.example/"],
    ["https://127.0.0.1:3000/"],
    ["http://127.0.0.1:3001/"],
    ["javascript:alert(1)"],
    ["JaVaScRiPt:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["http://[::1"],
    [""],
    [null],
    [undefined],
  ])("sends %j home", (raw) => {
    expect(sameOriginPath(raw, ORIGIN)).toBe("/");
  });

  it.each([
    ["/", "/"],
    ["/posts/12", "/posts/12"],
    ["/?sort=top&q=storm#list", "/?sort=top&q=storm#list"],
    ["http://127.0.0.1:3000/posts/2", "/posts/2"],
    ["posts/3", "/posts/3"],
    // Paths that normalise to a double slash stay on this site with one slash.
    ["/.//evil.example", "/evil.example"],
    ["/..//evil.example/x", "/evil.example/x"],
    ["/%2F/evil.example", "/%2F/evil.example"],
    ["/%5Cevil.example", "/%5Cevil.example"],
  ])("keeps %j as the same-origin path %j", (raw, path) => {
    const result = sameOriginPath(raw, ORIGIN);
    expect(result).toBe(path);
    expect(new URL(result, ORIGIN).origin).toBe(ORIGIN);
  });
});
