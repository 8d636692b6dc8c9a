export type TextAnalysis = { wordCount: number; avgWordLength: number };

const wordSegmenter = new Intl.Segmenter(undefined, { granularity: "word" });
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Word count and average word length of a text, in any script.
 * Words come from Unicode word segmentation (so Chinese or Thai without spaces is split too);
 * a word's length counts user-perceived characters that are letters or digits, so the
 * apostrophe in "don't" or the hyphen in "well-known" is not a letter, and "é" written as
 * e + combining accent is one.
 */
export function analyzeText(text: string): TextAnalysis {
  let wordCount = 0;
  let letters = 0;
  for (const segment of wordSegmenter.segment(text.normalize("NFC"))) {
    if (!segment.isWordLike) continue;
    let length = 0;
    for (const { segment: grapheme } of graphemeSegmenter.segment(segment.segment)) {
      if (LETTER_OR_DIGIT.test(grapheme)) length += 1;
    }
    if (length === 0) continue;
    wordCount += 1;
    letters += length;
  }
  return { wordCount, avgWordLength: wordCount === 0 ? 0 : Math.round((letters / wordCount) * 100) / 100 };
}

const EXCERPT_LENGTH = 280;

/** The first ~280 characters of the content on word boundaries, whitespace collapsed. */
export function makeExcerpt(content: string): string {
  const flat = content.replace(/\s+/g, " ").trim();
  if (flat.length <= EXCERPT_LENGTH) return flat;
  const cut = flat.slice(0, EXCERPT_LENGTH);
  const lastSpace = cut.lastIndexOf(" ");
  return `${(lastSpace > EXCERPT_LENGTH / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
