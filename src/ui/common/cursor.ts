/** Cursor movement and scrolling windows for lists and tables: pure, so tests need no rendering. */
import type { Intent } from '../keys.js';

/** The row index after a movement intent, within `0..count-1`; `page` rows per page. */
export function moveIndex(index: number, intent: Intent, count: number, page: number): number {
  if (count <= 0) return 0;
  const step: Partial<Record<Intent, number>> = {
    up: -1,
    down: 1,
    pageUp: -Math.max(1, page),
    pageDown: Math.max(1, page),
    top: -Infinity,
    bottom: Infinity,
  };
  const delta = step[intent] ?? 0;
  return clampIndex(index + delta, count);
}

export function clampIndex(index: number, count: number): number {
  if (count <= 0 || Number.isNaN(index)) return 0;
  return Math.min(count - 1, Math.max(0, index));
}

/**
 * Which `capacity` items of `count` to show so the cursor is visible: the cursor stays in the
 * middle once the list scrolls, and the window never runs past either end.
 */
export function scrollWindow(
  count: number,
  cursor: number,
  capacity: number,
): { start: number; end: number } {
  if (capacity <= 0) return { start: 0, end: 0 };
  if (count <= capacity) return { start: 0, end: count };
  const start = Math.min(count - capacity, Math.max(0, cursor - Math.floor(capacity / 2)));
  return { start, end: start + capacity };
}

/** The index of `key` among `keys`, or the nearest valid index when it is gone. */
export function indexOfKey(keys: readonly string[], key: string | undefined, fallback = 0): number {
  const found = key === undefined ? -1 : keys.indexOf(key);
  return found >= 0 ? found : clampIndex(fallback, keys.length);
}

/** `3–12 of 40` when a list scrolls, empty when every row is visible. */
export function windowLabel(count: number, cursor: number, height: number): string {
  if (count <= height || height <= 0) return '';
  const { start, end } = scrollWindow(count, cursor, height);
  return `${start + 1}–${end} of ${count}`;
}
