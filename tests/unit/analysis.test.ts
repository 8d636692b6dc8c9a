import { describe, expect, it } from "vitest";
import { analyzeText, makeExcerpt } from "@/server/posts/analysis";

describe("analyzeText", () => {
  it.each([
    ["Hello, world!", 2, 5],
    ["don't stop", 2, 4],
    ["Привет мир", 2, 4.5],
    ["Café cafe\u0301", 2, 4],
    ["42 is 2 words", 4, 2.5],
    ["", 0, 0],
    ["  ...!!! — ", 0, 0],
  ])("%j → %i words, %f letters on average", (text, words, avg) => {
    expect(analyzeText(text)).toEqual({ wordCount: words, avgWordLength: avg });
  });

  it("splits scripts written without spaces into words", () => {
    const { wordCount } = analyzeText("日本語のテキストです");
    expect(wordCount).toBeGreaterThan(1);
  });

  it("counts a Devanagari word's letters as user-perceived characters", () => {
    // नमस्ते is six code points but three grapheme clusters (न, म, स्ते).
    expect(analyzeText("नमस्ते")).toEqual({ wordCount: 1, avgWordLength: 3 });
  });
});

describe("makeExcerpt", () => {
  it("keeps short text whole and collapses whitespace", () => {
    expect(makeExcerpt("  a\n\n b  ")).toBe("a b");
  });
  it("cuts long text on a word boundary with an ellipsis", () => {
    const excerpt = makeExcerpt("word ".repeat(200));
    expect(excerpt.length).toBeLessThanOrEqual(281);
    expect(excerpt.endsWith("word…")).toBe(true);
  });
});
