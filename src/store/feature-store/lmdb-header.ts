import { closeSync, openSync, readSync } from 'node:fs';

/**
 * What is wrong with the start of an LMDB data file, before LMDB maps it. lmdb-js trusts the two meta
 * pages at the start of the file (their root pages, sizes and transaction ids) and crashes the
 * whole process with a segmentation fault on garbage there, rather than throwing; so a file that is
 * cut short, or is not an LMDB file at all, is never handed to it.
 *
 * The layout (lmdb-js's LMDB, read from its files): each meta page holds the magic 0xBEEFC0DE at byte
 * 24, and the first one stores the page size at byte 48 (the free-page database's pad field, as
 * LMDB keeps it). Both meta pages must carry the magic: LMDB picks the one with the newer
 * transaction id, which a damaged page could claim.
 */
export type LmdbHeaderProblem = 'cut short' | 'not an LMDB file';

const MAGIC = 0xbeefc0de;
const MAGIC_AT = 24;
const PAGE_SIZE_AT = 48;
/** LMDB's smallest page; a file shorter than two of them has no meta pages yet */
export const MIN_PAGE = 4096;

export function lmdbHeaderProblem(file: string, fileBytes: number): LmdbHeaderProblem | undefined {
  if (fileBytes < 2 * MIN_PAGE) return 'cut short';
  const fd = openSync(file, 'r');
  try {
    const magicAt = (page: Buffer) => page.readUInt32LE(MAGIC_AT) === MAGIC;
    const first = readAt(fd, 0, MIN_PAGE);
    if (!magicAt(first)) return 'not an LMDB file';
    const pageSize = first.readUInt32LE(PAGE_SIZE_AT);
    if (pageSize < MIN_PAGE || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
      return 'not an LMDB file';
    if (fileBytes < 2 * pageSize) return 'cut short';
    return magicAt(readAt(fd, pageSize, MAGIC_AT + 4)) ? undefined : 'not an LMDB file';
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  readSync(fd, buffer, 0, length, position);
  return buffer;
}
