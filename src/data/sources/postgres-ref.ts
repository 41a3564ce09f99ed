/** A `postgresql://` (or `postgres://`) data ref. */
export const isPostgresRef = (ref: string) => /^postgres(ql)?:\/\//i.test(ref);

/** What a PostgreSQL ref names, for messages: never the password. */
export interface PostgresTarget {
  /** the ref with the password removed */
  redacted: string;
  /** host:port */
  address: string;
  user: string;
  database: string;
}

export function parsePostgresRef(ref: string): PostgresTarget {
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    // the ref may hold a password: do not echo it
    throw new TypeError('the PostgreSQL ref is not a URL; write postgresql://user[:password]@host:port/db');
  }
  url.password = '';
  const host = url.hostname || 'localhost';
  const port = url.port || '5432';
  return {
    redacted: url.toString(),
    address: `${host}:${port}`,
    user: decodeURIComponent(url.username) || process.env.PGUSER || 'the current user',
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default)',
  };
}

/** Removes the password from any PostgreSQL ref in a string (for run files and logs). */
export function redactRef(ref: string): string {
  if (!isPostgresRef(ref)) return ref;
  try {
    return parsePostgresRef(ref).redacted;
  } catch {
    return ref.replace(/\/\/[^@/]*@/, '//***@');
  }
}
