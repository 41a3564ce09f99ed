/** A figure a per-issue benchmark recorded, by its path in the results file. */
export interface Figure {
  path: string;
  value: number | string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `dims=64` for an array element that carries a distinguishing first number or string, else its index. */
function elementLabel(element: unknown, index: number): string {
  if (!isRecord(element)) return String(index);
  const first = Object.entries(element).find(([, v]) => typeof v === 'number' || typeof v === 'string');
  return first ? `${first[0]}=${String(first[1])}` : String(index);
}

/**
 * The headline figures of a per-issue results file, whatever its layout: every number whose key or
 * enclosing key says it is a ratio (or a fraction of a bound), and every stated target. The other
 * benchmarks own their files' shapes; this reads them without depending on those shapes.
 */
export function headlineFigures(doc: unknown, prefix = ''): Figure[] {
  const figures: Figure[] = [];
  const visit = (value: unknown, path: string, ratioContext: boolean) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${path}[${elementLabel(v, i)}]`, ratioContext));
      return;
    }
    if (!isRecord(value)) return;
    for (const [key, v] of Object.entries(value)) {
      if (key === 'machine' || key === 'recordedAt') continue;
      const here = path ? `${path}.${key}` : key;
      const ratioKey = /ratio|fraction/i.test(key);
      if (typeof v === 'number' && (ratioKey || ratioContext)) figures.push({ path: here, value: v });
      else if (typeof v === 'string' && /^target/i.test(key)) figures.push({ path: here, value: v });
      else visit(v, here, ratioKey);
    }
  };
  visit(doc, prefix, false);
  return figures;
}
