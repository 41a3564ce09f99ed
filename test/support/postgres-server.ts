import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The superuser the test server is created with, and its password (for the auth-failure case). */
export const PG_USER = 'layerlab';
export const PG_PASSWORD = 'pw-Secret-4711';

/** Debian's PostgreSQL binaries (`postgresql` package): the newest /usr/lib/postgresql/N/bin. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/**
 * Whether PostgreSQL tests run: with the binaries, yes; without them they are skipped with one line
 * naming the package, except under CI=true, where a missing server is a failure.
 */
export function postgresAvailable(): boolean {
  if (postgresBinDir()) return true;
  if (process.env.CI === 'true')
    throw new Error('PostgreSQL binaries are missing under CI=true: install the Debian package postgresql');
  console.warn(
    'PostgreSQL tests skipped: install the Debian package postgresql (apt-get install -y postgresql)',
  );
  return false;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface PostgresServer {
  port: number;
  /** `postgresql://layerlab:PASSWORD@127.0.0.1:PORT/postgres` (or with another password) */
  url(password?: string): string;
  stop(): void;
}

/**
 * A throw-away PostgreSQL server: `initdb` in a temporary folder, `pg_ctl start` on a free port of
 * 127.0.0.1 (its unix socket in the same folder), password authentication over TCP. `initdb`
 * refuses to run as root, so as root the server runs as the `postgres` user the package creates.
 * `stop()` ends it by the PID in `postmaster.pid` and removes the folder: nothing is left running.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found: install the Debian package postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], {
          stdio: 'pipe',
          cwd: dir,
        })
      : execFileSync(join(bin, command), args, { stdio: 'pipe', cwd: dir });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PG_PASSWORD}\n`);
  if (asRoot) execFileSync('chown', ['postgres', pwfile]);
  run('initdb', [
    '-D',
    data,
    '-U',
    PG_USER,
    `--pwfile=${pwfile}`,
    '--auth-host=scram-sha-256',
    '--auth-local=trust',
    '-E',
    'UTF8',
  ]);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    port,
    url: (password = PG_PASSWORD) =>
      `postgresql://${PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop() {
      try {
        process.kill(pid, 'SIGINT'); // "fast" shutdown
        for (let i = 0; i < 200 && existsSync(join(data, 'postmaster.pid')); i++)
          execFileSync('sleep', ['0.05']);
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
