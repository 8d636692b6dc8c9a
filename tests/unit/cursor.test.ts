import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "@/server/posts/cursor";

describe("page cursors", () => {
  it("round-trips a cursor for the same sort", () => {
    const raw = encodeCursor({ sort: "top", key: "3.25", id: 17 });
    expect(decodeCursor(raw, "top")).toEqual({ sort: "top", key: "3.25", id: 17 });
  });
  it("refuses a cursor issued for another sort", () => {
    expect(decodeCursor(encodeCursor({ sort: "top", key: "3", id: 1 }), "newest")).toBeNull();
  });
  it.each([
    "abc",
    "",
    "%%%",
    Buffer.from('{"s":"newest","k":"1; drop table posts","i":1}').toString("base64url"),
    Buffer.from('{"s":"newest","k":"1","i":0}').toString("base64url"),
  ])("refuses %j", (raw) => {
    expect(decodeCursor(raw, "newest")).toBeNull();
  });
});
