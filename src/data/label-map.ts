export interface LabelMap {
  /** class names in class-id order */
  classNames: string[];
  /** class id per record */
  labels: Int32Array;
}

const numeric = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const byLabel = (allNumeric: boolean) =>
  allNumeric
    ? (a: string, b: string) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)
    : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Maps labels as written in the data to class ids: numeric labels in numeric order (so `2` comes
 * before `10`), any others in code-point order. Class names are the labels as written.
 * @example buildLabelMap(['cat', 'dog', 'cat']) // { classNames: ['cat', 'dog'], labels: [0, 1, 0] }
 */
export function buildLabelMap(raw: readonly string[]): LabelMap {
  const builder = new LabelMapBuilder();
  for (const label of raw) builder.push(label);
  return builder.finish();
}

/**
 * `buildLabelMap` for labels read one record at a time: each record keeps a 4-byte code of its label
 * (in first-seen order) rather than the label's string, and the codes become class ids at the end.
 */
export class LabelMapBuilder {
  private readonly codeOf = new Map<string, number>();
  private readonly distinct: string[] = [];
  /** first-seen codes, one byte each while there are at most 256 labels (the usual case) */
  private codes: Uint8Array | Int32Array = new Uint8Array(1024);
  private count = 0;

  push(label: string): void {
    let code = this.codeOf.get(label);
    if (code === undefined) {
      code = this.distinct.length;
      this.codeOf.set(label, code);
      this.distinct.push(label);
    }
    const wide = code > 255 || this.codes instanceof Int32Array;
    if (this.count === this.codes.length || wide !== this.codes instanceof Int32Array) {
      const length = this.codes.length * (this.count === this.codes.length ? 2 : 1);
      const grown = wide ? new Int32Array(length) : new Uint8Array(length);
      grown.set(this.codes);
      this.codes = grown;
    }
    this.codes[this.count++] = code;
  }

  finish(): LabelMap {
    const names = this.distinct;
    const allNumeric = names.length > 0 && names.every((l) => numeric.test(l.trim()));
    const classNames = [...names].sort(byLabel(allNumeric));
    const classOf = new Int32Array(names.length);
    classNames.forEach((name, id) => (classOf[this.codeOf.get(name)!] = id));
    const labels = new Int32Array(this.count);
    for (let i = 0; i < labels.length; i++) labels[i] = classOf[this.codes[i]!]!;
    return { classNames, labels };
  }
}
