import { badData, configError } from '../../core/errors.js';
import type { OpenDatasetOptions } from '../open-options.js';
import type { ColumnKind, TableColumn, TableSource } from './table-source.js';

const TEXT_DEFAULTS = ['text', 'sentence', 'review', 'content'];
const LABEL_DEFAULTS = ['label', 'class', 'target', 'category'];
const IMAGE_DEFAULTS = ['image', 'image_path', 'path', 'file', 'filename', 'img'];

/** The columns a table's records are made of, chosen from the `--*-column` flags and defaults. */
export interface ChosenColumns {
  /** undefined: the 0-based row number is the id */
  id?: string;
  content: string;
  /** `bytes`: encoded images in the cell; `path`: image files named by the cell; `text`: texts */
  contentKind: 'bytes' | 'path' | 'text';
  label: string;
  split?: string;
  group?: string;
}

function named(source: TableSource, wanted: string, flag: string): TableColumn {
  const column = source.columns.find((c) => c.name === wanted);
  if (!column)
    throw configError(
      `column ${wanted} is not in ${source.ref} (columns: ${source.columns.map((c) => c.name).join(', ')}); fix ${flag}`,
    );
  return column;
}

function wrongType(source: TableSource, column: TableColumn, flag: string, expected: string) {
  return badData(
    `${source.ref}: column ${column.name} is ${column.type}, but ${flag} takes ${expected}; pick another column with ${flag}`,
  );
}

function expectKind(
  source: TableSource,
  column: TableColumn,
  flag: string,
  kinds: ColumnKind[],
  expected: string,
): TableColumn {
  if (!kinds.includes(column.kind)) throw wrongType(source, column, flag, expected);
  return column;
}

/**
 * Picks the id, content, label, split and group columns: a flag names a column that must exist and
 * be of a usable type; without `--image-column`/`--text-column`, an image-like column name wins over
 * a text-like one only when there is no text column.
 */
export function chooseColumns(source: TableSource, options: OpenDatasetOptions): ChosenColumns {
  const names = source.columns.map((c) => c.name);
  const find = (defaults: string[]) => source.columns.find((c) => defaults.includes(c.name.toLowerCase()));
  let content: TableColumn | undefined;
  let contentKind: ChosenColumns['contentKind'];
  if (options.imageColumn !== undefined) {
    content = expectKind(
      source,
      named(source, options.imageColumn, '--image-column'),
      '--image-column',
      ['bytes', 'text'],
      'image bytes (BLOB/bytea) or image paths (text)',
    );
    contentKind = content.kind === 'bytes' ? 'bytes' : 'path';
  } else if (options.textColumn !== undefined) {
    content = expectKind(
      source,
      named(source, options.textColumn, '--text-column'),
      '--text-column',
      ['text'],
      'text',
    );
    contentKind = 'text';
  } else {
    const text = find(TEXT_DEFAULTS);
    const image = source.columns.find((c) => c.kind === 'bytes') ?? find(IMAGE_DEFAULTS);
    content = text ?? image;
    if (!content)
      throw configError(
        `${source.ref}: no image or text column among ${names.join(', ')}; pass --image-column NAME or --text-column NAME`,
      );
    contentKind =
      content === text && text.kind === 'text' ? 'text' : content.kind === 'bytes' ? 'bytes' : 'path';
    if (contentKind === 'path' && content.kind !== 'text')
      throw wrongType(source, content, '--image-column', 'image bytes (BLOB/bytea) or image paths (text)');
  }
  let label: TableColumn | undefined;
  if (options.labelColumn !== undefined) label = named(source, options.labelColumn, '--label-column');
  else {
    label = find(LABEL_DEFAULTS);
    if (!label)
      throw configError(`${source.ref}: no label column among ${names.join(', ')}; pass --label-column NAME`);
  }
  expectKind(source, label, '--label-column', ['text', 'number'], 'text or numbers');
  const id =
    options.idColumn !== undefined
      ? expectKind(
          source,
          named(source, options.idColumn, '--id-column'),
          '--id-column',
          ['text', 'number'],
          'text or numbers',
        ).name
      : source.primaryKey;
  const optional = (wanted: string | undefined, flag: string) =>
    wanted === undefined
      ? undefined
      : expectKind(source, named(source, wanted, flag), flag, ['text', 'number'], 'text or numbers').name;
  const split = optional(options.splitColumn, '--split-column');
  const group = optional(options.groupColumn, '--group-column');
  return {
    ...(id === undefined ? {} : { id }),
    content: content.name,
    contentKind,
    label: label.name,
    ...(split === undefined ? {} : { split }),
    ...(group === undefined ? {} : { group }),
  };
}
