import { randomBytes } from 'node:crypto';

/** `run-20261121-093512-1a2b`: sortable by time, unique across concurrent runs. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}
