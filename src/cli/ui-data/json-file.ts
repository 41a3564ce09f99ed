export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function numbers(value: unknown): number[] {
  return Array.isArray(value) ? value.map((v) => (typeof v === 'number' ? v : Number.NaN)) : [];
}
