/**
 * Column widths of the run table and which head columns fit: the layer and best columns always
 * show; head columns scroll sideways to keep the selected one in view. Head labels wrap onto up to
 * three header lines, so columns stay about as narrow as their values. Pure.
 */
import { MARKER_WIDTH } from '../common/columns.js';
import { scrollWindow } from '../common/cursor.js';
import { wrapWords } from '../common/fit.js';
import { FIRST_HEAD_COLUMN } from './results-matrix.js';

/** Padding included: a value, a mark and a space on each side, e.g. ` 61.6%* `. */
const VALUE_WIDTH = 9;
const MAX_HEAD_WIDTH = 14;
const MAX_LAYER_WIDTH = 26;
const MAX_HEADER_LINES = 3;

export interface MatrixLayout {
  layerWidth: number;
  bestWidth: number;
  headWidth: number;
  /** the head columns shown: indices into the matrix's heads */
  headStart: number;
  headEnd: number;
  /** each head's header lines, bottom-aligned by the table */
  headerLines: string[][];
  /** header lines of the tallest column */
  headerHeight: number;
}

export function matrixLayout(
  layers: readonly string[],
  heads: readonly string[],
  width: number,
  cursorColumn: number,
): MatrixLayout {
  const layerWidth = Math.min(
    MAX_LAYER_WIDTH,
    Math.max('layer'.length, ...layers.map((l) => l.length + 2)) + 2,
  );
  const longestWord = Math.max(0, ...heads.flatMap((h) => h.split(' ').map((w) => w.length)));
  // Padding, the word, and room for the sort arrow.
  const headWidth = Math.min(MAX_HEAD_WIDTH, Math.max(VALUE_WIDTH, longestWord + 4));
  const room = width - MARKER_WIDTH - layerWidth - VALUE_WIDTH;
  const capacity = Math.max(1, Math.floor(room / headWidth));
  const focus = Math.max(0, cursorColumn - FIRST_HEAD_COLUMN);
  const { start, end } = scrollWindow(heads.length, focus, capacity);
  const headerLines = heads.map((h) => wrapWords(h, headWidth - 4, MAX_HEADER_LINES));
  const headerHeight = Math.max(1, ...headerLines.slice(start, end).map((lines) => lines.length));
  return {
    layerWidth,
    bestWidth: VALUE_WIDTH,
    headWidth,
    headStart: start,
    headEnd: end,
    headerLines,
    headerHeight,
  };
}
