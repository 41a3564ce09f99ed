import { usageError } from '../../core/errors.js';

/** `--table NAME` or `--query SQL`: which rows of a database are the records. */
export interface TableOrQuery {
  table?: string;
  query?: string;
}

export function requireTableOrQuery(ref: string, spec: TableOrQuery): void {
  if ((spec.table === undefined) === (spec.query === undefined))
    throw usageError(
      `${ref} is a database: pass --table NAME or --query SQL (one of them), e.g. --table images`,
    );
}
