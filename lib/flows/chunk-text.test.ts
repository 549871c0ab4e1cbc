import { describe, expect, it } from 'vitest';
import { chunkText } from './chunk-text';
import { trimToBudget } from './ingest-knowledge';

describe('chunkText', () => {
  it('packs whole paragraphs up to the limit', () => {
    expect(chunkText('one two\n\nthree\n\n\n  four five  \n\nsix', 15)).toEqual([
      'one two\n\nthree',
      'four five\n\nsix',
    ]);
  });

  it('cuts a long paragraph at the last space before the limit', () => {
    expect(chunkText('aaaa bbbb cccc dddd', 10)).toEqual(['aaaa bbbb', 'cccc dddd']);
  });

  it('cuts a long word at the limit', () => {
    expect(chunkText('abcdefghijkl', 5)).toEqual(['abcde', 'fghij', 'kl']);
  });

  it('returns nothing for blank text', () => {
    expect(chunkText(' \n\n \n')).toEqual([]);
  });

  it('keeps every character of a 3,000-character document in 1,000-character chunks', () => {
    const paragraph = 'word '.repeat(119).trim(); // 594 characters
    const text = Array.from({ length: 5 }, () => paragraph).join('\n\n');
    const chunks = chunkText(text);
    expect(chunks.map((c) => c.length)).toEqual([594, 594, 594, 594, 594]);
    expect(chunks.join('\n\n')).toBe(text);
  });
});

describe('trimToBudget', () => {
  it('keeps text within the budget whole', () => {
    expect(trimToBudget('alpha beta', 10, 10)).toBe('alpha beta');
  });

  it('keeps the share of the text the budget allows, cut at a space', () => {
    // 20 characters counted as 100 tokens, budget 50: keep 10 characters, cut back to the space at 8.
    expect(trimToBudget('alpha be gamma delta', 100, 50)).toBe('alpha be');
  });

  it('cuts at the share when there is no space', () => {
    expect(trimToBudget('abcdefghij', 10, 3)).toBe('abc');
  });
});
