import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The compiled bench folder (dist/bench), where every benchmark entry point lives. */
export const benchDist = join(import.meta.dirname, '..');

export interface ChildRun {
  code: number | null;
  seconds: number;
  /** stdout, captured (stderr goes straight through, so progress and failures stay visible) */
  stdout: string;
}

/** Runs `node dist/bench/<script> ...args` in its own process: its own heap, its own peak RSS. */
export function runBenchScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ChildRun> {
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(benchDist, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - began) / 1000, stdout }));
  });
}

/** A JSON file a child wrote, or undefined when it wrote none. */
export function readJsonIfAny<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}
