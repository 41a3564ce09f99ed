/** Fitting text into fixed-width cells. Every glyph the UI draws is one column wide. */

const ELLIPSIS = '…';

/** Cuts text to `width` columns, ending in an ellipsis when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? ELLIPSIS : `${text.slice(0, width - 1)}${ELLIPSIS}`;
}

/** Keeps both ends of a long name (`block3/co…/relu`), where the end tells layers apart. */
export function truncateMiddle(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  if (width < 5) return truncate(text, width);
  const tail = Math.floor((width - 1) / 2);
  const head = width - 1 - tail;
  return `${text.slice(0, head)}${ELLIPSIS}${text.slice(text.length - tail)}`;
}

/** Exactly `width` columns: truncated, then padded on the side opposite the alignment. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  return align === 'left' ? cut.padEnd(width) : cut.padStart(width);
}

/**
 * Splits a label on spaces into at most `lines` lines of at most `width` columns, filling lines
 * greedily; whatever does not fit is truncated into the last line.
 * @example wrapWords('lr=0.1 l2=1e-4', 8, 2) // ['lr=0.1', 'l2=1e-4']
 */
export function wrapWords(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  for (const word of text.split(' ').filter((w) => w.length > 0)) {
    const last = out.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) out[out.length - 1] = `${last} ${word}`;
    else out.push(word);
  }
  if (out.length <= lines) return out.map((line) => truncate(line, width));
  const kept = out.slice(0, lines - 1);
  return [...kept, out.slice(lines - 1).join(' ')].map((line) => truncate(line, width));
}
