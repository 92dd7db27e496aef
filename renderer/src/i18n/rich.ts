/**
 * The little markup catalogue messages may carry: `code` in backticks and **strong** words,
 * so a translation can move them with the words around them.
 */

/** A run of a message: plain, code or strong. */
export interface RichPart {
  readonly kind: 'text' | 'code' | 'strong';
  readonly text: string;
}

/** Splits `Put them in \`daisy/\`, **one** per class` into its runs; an unpaired marker stays as text. */
export function richParts(text: string): RichPart[] {
  const out: RichPart[] = [];
  const re = /`([^`]+)`|\*\*([^*]+)\*\*/g;
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
    out.push(m[1] !== undefined ? { kind: 'code', text: m[1] } : { kind: 'strong', text: m[2] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}
