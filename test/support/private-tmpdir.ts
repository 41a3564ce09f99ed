import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * vitest's global setup: the whole run gets one private temporary folder (TMPDIR, inherited by the
 * test processes, the CLIs they start and the servers those start), removed when the run ends. Tests
 * make thousands of stores, datasets and homes; without this, every run left them all in /tmp.
 */
export default function privateTmpdir(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-tests-'));
  // open like /tmp (sticky, everyone may create): PostgreSQL runs as its own user when tests are root
  chmodSync(dir, 0o1777);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(dir, { recursive: true, force: true });
  };
}
