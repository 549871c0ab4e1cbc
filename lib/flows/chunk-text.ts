// Splits a document into chunks for embedding: whole paragraphs packed up to a size, a paragraph longer
// than that cut at the last whitespace before the limit (or at the limit when there is none).

/** The most characters in one chunk. */
export const CHUNK_CHARS = 1000;

function splitLong(paragraph: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = paragraph;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    const cut = space > 0 ? space : max;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

export function chunkText(text: string, max: number = CHUNK_CHARS): string[] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .flatMap((p) => splitLong(p, max));
  const chunks: string[] = [];
  let current = '';
  for (const paragraph of paragraphs) {
    if (current === '') current = paragraph;
    else if (current.length + 2 + paragraph.length <= max) current += `\n\n${paragraph}`;
    else {
      chunks.push(current);
      current = paragraph;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}
