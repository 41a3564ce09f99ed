/** One parsed row: its fields and where it lies in the file (bytes, end exclusive of the newline). */
export interface ParsedRow {
  fields: string[];
  start: number;
  end: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
// fatal: bytes that are not UTF-8 (a Latin-1 export, say) throw instead of turning into U+FFFD
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Whether an error is the decoder's refusal of bytes that are not UTF-8. */
export const isInvalidUtf8 = (error: unknown) =>
  error instanceof TypeError && (error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';

/**
 * A streaming CSV/TSV parser (RFC 4180 quoting: `"a,b"`, `""` for a quote, newlines inside quotes)
 * that works on bytes, so multi-byte UTF-8 never splits and every row knows its byte range: readers
 * keep only ranges in memory and re-read rows on demand. Feed chunks with `push`, then `end`.
 */
export class DelimitedParser {
  private field = new Uint8Array(256);
  private fieldLength = 0;
  private fields: string[] = [];
  private inQuotes = false;
  private quoteSeen = false; // a closing quote, or the first of a doubled quote
  private fieldQuoted = false;
  private rowStart = -1;
  private skipLf = false;
  private offset = 0;

  constructor(
    private readonly delimiter: number,
    private readonly onRow: (row: ParsedRow) => void,
  ) {}

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i]!);
  }

  end(): void {
    if (this.rowStart >= 0) this.finishRow(this.offset);
  }

  private byte(b: number): void {
    const at = this.offset++;
    if (this.skipLf) {
      this.skipLf = false;
      if (b === LF) return;
    }
    if (this.rowStart < 0) {
      if (b === LF || b === CR) {
        this.skipLf = b === CR;
        return; // blank line
      }
      this.rowStart = at;
    }
    if (this.inQuotes) {
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (b === QUOTE) {
          this.append(QUOTE);
          return;
        }
        this.inQuotes = false; // the quote closed the field; handle b below
      } else {
        if (b === QUOTE) this.quoteSeen = true;
        else this.append(b);
        return;
      }
    }
    if (b === this.delimiter) this.finishField();
    else if (b === LF || b === CR) {
      this.skipLf = b === CR;
      this.finishRow(at);
    } else if (b === QUOTE && this.fieldLength === 0 && !this.fieldQuoted) {
      this.inQuotes = true;
      this.fieldQuoted = true;
    } else this.append(b);
  }

  private append(b: number): void {
    if (this.fieldLength === this.field.length) {
      const grown = new Uint8Array(this.field.length * 2);
      grown.set(this.field);
      this.field = grown;
    }
    this.field[this.fieldLength++] = b;
  }

  private finishField(): void {
    this.fields.push(decoder.decode(this.field.subarray(0, this.fieldLength)));
    this.fieldLength = 0;
    this.fieldQuoted = false;
  }

  private finishRow(end: number): void {
    this.inQuotes = false;
    this.quoteSeen = false;
    this.finishField();
    this.onRow({ fields: this.fields, start: this.rowStart, end });
    this.fields = [];
    this.rowStart = -1;
  }
}

/** Splits JSON Lines into rows with byte ranges (a line's one field is its text); blank lines skipped. */
export class LineSplitter {
  private line: Uint8Array[] = [];
  private lineStart = 0;
  private offset = 0;

  constructor(private readonly onRow: (row: ParsedRow) => void) {}

  push(chunk: Uint8Array): void {
    let from = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, from)) {
      this.line.push(chunk.subarray(from, i));
      this.emit(this.offset + i);
      from = i + 1;
      this.lineStart = this.offset + from;
    }
    if (from < chunk.length) this.line.push(chunk.subarray(from));
    this.offset += chunk.length;
  }

  end(): void {
    if (this.line.length > 0) this.emit(this.offset);
  }

  private emit(end: number): void {
    const bytes = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line);
    this.line = [];
    let text = decoder.decode(bytes);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim().length > 0) this.onRow({ fields: [text], start: this.lineStart, end });
  }
}
