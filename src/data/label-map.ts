export interface LabelMap {
  /** class names in class-id order */
  classNames: string[];
  /** class id per record */
  labels: Int32Array;
}

const numeric = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Maps labels as written in the data to class ids: numeric labels in numeric order (so `2` comes
 * before `10`), any others in code-point order. Class names are the labels as written.
 * @example buildLabelMap(['cat', 'dog', 'cat']) // { classNames: ['cat', 'dog'], labels: [0, 1, 0] }
 */
export function buildLabelMap(raw: readonly string[]): LabelMap {
  const distinct = [...new Set(raw)];
  const allNumeric = distinct.length > 0 && distinct.every((l) => numeric.test(l.trim()));
  distinct.sort(
    allNumeric
      ? (a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)
      : (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  const idOf = new Map(distinct.map((name, id) => [name, id]));
  return { classNames: distinct, labels: Int32Array.from(raw, (l) => idOf.get(l)!) };
}
