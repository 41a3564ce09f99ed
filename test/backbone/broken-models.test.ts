import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/paths.js';
import { Rng } from '../../src/core/random.js';
import { tinyCnn } from '../fixtures/tiny-cnn.js';
import { runCli } from '../e2e/cli-run.js';

const root = packageRoot();
const models = join(root, 'models');
const corpus = mkdtempSync(join(tmpdir(), 'layerlab-broken-'));

/** Truncations at fixed fractions and seeded random byte flips of one file's bytes. */
function damage(bytes: Uint8Array, seed: number, flips: number): { name: string; bytes: Uint8Array }[] {
  const out = [0, 0.01, 0.1, 0.5, 0.9, 0.99].map((f) => ({
    name: `truncated-${f}`,
    bytes: bytes.subarray(0, Math.floor(bytes.length * f)),
  }));
  out.push({ name: 'truncated-last-byte', bytes: bytes.subarray(0, bytes.length - 1) });
  const rng = new Rng(seed);
  for (let i = 0; i < flips; i++) {
    const copy = Uint8Array.from(bytes);
    // Mostly single flips; every fourth case flips a burst of 8 bytes.
    for (let k = 0; k < (i % 4 === 3 ? 8 : 1); k++) {
      const at = rng.int(copy.length);
      copy[at] = copy[at]! ^ (1 + rng.int(255));
    }
    out.push({ name: `flipped-${i}`, bytes: copy });
  }
  return out;
}

/** Writes every broken variant and returns the refs to open. */
function buildCorpus(): string[] {
  const refs: string[] = [];
  const cnn = tinyCnn();
  for (const { name, bytes } of damage(cnn, 1, 16)) {
    writeFileSync(join(corpus, `cnn-${name}.onnx`), bytes);
    refs.push(join(corpus, `cnn-${name}.onnx`));
  }
  const bert = readFileSync(join(models, 'tiny-bert', 'onnx', 'model.onnx'));
  for (const { name, bytes } of damage(bert, 2, 12)) {
    const folder = join(corpus, `bert-${name}`);
    cpSync(join(models, 'tiny-bert'), folder, { recursive: true });
    writeFileSync(join(folder, 'onnx', 'model.onnx'), bytes);
    refs.push(folder);
  }
  const tokenizer = readFileSync(join(models, 'tiny-bert', 'tokenizer.json'));
  for (const { name, bytes } of damage(tokenizer, 3, 4).filter((_, i) => i % 2 === 0)) {
    const folder = join(corpus, `bert-tokenizer-${name}`);
    cpSync(join(models, 'tiny-bert'), folder, { recursive: true });
    writeFileSync(join(folder, 'tokenizer.json'), bytes);
    refs.push(folder);
  }
  const brokenConfig = join(corpus, 'bert-config-not-json');
  cpSync(join(models, 'tiny-bert'), brokenConfig, { recursive: true });
  writeFileSync(join(brokenConfig, 'config.json'), '{"model_type": "bert",');
  refs.push(brokenConfig);
  for (const file of ['model.json', 'weights.bin']) {
    const original = readFileSync(join(models, 'tiny-tfjs', file));
    for (const { name, bytes } of damage(original, 4, 4)) {
      const folder = join(corpus, `tfjs-${file}-${name}`);
      cpSync(join(models, 'tiny-tfjs'), folder, { recursive: true });
      writeFileSync(join(folder, file), bytes);
      refs.push(join(folder, 'model.json'));
    }
  }
  return refs;
}

/**
 * Opens every ref in one child process (so a crash cannot take the test runner down) through the
 * compiled library, runs one capture on a random batch, and reports one JSON line per ref before
 * and after it, so a crash names the model that caused it.
 */
const RUNNER = `
import { loadBackbone } from ${JSON.stringify(join(root, 'dist', 'src', 'backbone', 'load-backbone.js'))};
import { blockOutputs } from ${JSON.stringify(join(root, 'dist', 'src', 'backbone', 'select-layers.js'))};
const refs = JSON.parse(process.argv[1]);
for (const ref of refs) {
  console.log(JSON.stringify({ ref, phase: 'start' }));
  try {
    const backbone = await loadBackbone(ref);
    const preprocess = backbone.resolvePreprocess();
    const session = await backbone.openCapture(blockOutputs(backbone.points), 'mean', { threads: 1, preprocess });
    const records = backbone.modality === 'text'
      ? { kind: 'text', texts: ['the cat sat', 'a'] }
      : { kind: 'image', count: 2, height: 8, width: 8, channels: 3, pixels: new Uint8Array(384).fill(7) };
    await session.run(records);
    await session.release();
    console.log(JSON.stringify({ ref, phase: 'done', status: 'ok' }));
  } catch (error) {
    console.log(JSON.stringify({ ref, phase: 'done', status: 'error', name: error.name, exitCode: error.exitCode, message: error.message }));
  }
}
`;

interface Outcome {
  ref: string;
  phase: 'start' | 'done';
  status?: 'ok' | 'error';
  name?: string;
  exitCode?: number;
  message?: string;
}

describe('a corpus of broken models (truncations, random byte flips, damaged folders)', () => {
  let refs: string[];
  let outcomes: Outcome[];
  let scratch: string;
  beforeAll(() => {
    refs = buildCorpus();
    scratch = mkdtempSync(join(tmpdir(), 'layerlab-broken-tmp-'));
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', RUNNER, JSON.stringify(refs)], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: scratch },
      maxBuffer: 64 * 2 ** 20,
    });
    outcomes = child.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Outcome);
    const last = outcomes.at(-1);
    if (child.status !== 0)
      throw new Error(
        `the runner died (${child.signal ?? child.status}) on ${last?.ref}: ${child.stderr.slice(-2000)}`,
      );
  });

  it('never crashes the process: every model either works or fails with a layerlab error', () => {
    const done = outcomes.filter((o) => o.phase === 'done');
    expect(done.length).toBe(refs.length);
    const unexpected = done.filter((o) => o.status === 'error' && o.name !== 'LayerlabError');
    expect(unexpected).toEqual([]);
    // Damage inside weight bytes leaves a working model; damage to structure must be refused.
    expect(done.filter((o) => o.status === 'error').length).toBeGreaterThan(refs.length / 2);
  });

  it('says what is wrong in one line, with exit code 65 (bad model) or 66 (missing file)', () => {
    for (const o of outcomes.filter((x) => x.status === 'error')) {
      expect([65, 66], `${o.ref}: ${o.message}`).toContain(o.exitCode);
      expect(o.message, o.ref).not.toContain('\n');
      expect(o.message!.length, o.ref).toBeLessThan(400);
    }
  });

  it('writes nothing: no scratch files left, model folders unchanged', () => {
    // ONNX Runtime 1.30 itself drops `.ses` and `mat-debug-<pid>.log` into TMPDIR when it builds a
    // session with convolutions (it does so for an unmodified model too); layerlab's own scratch
    // folders are all gone.
    expect(readdirSync(scratch).filter((f) => f !== '.ses' && !/^mat-debug-\d+\.log$/.test(f))).toEqual([]);
    const folder = join(corpus, 'bert-truncated-0.5');
    expect(readdirSync(folder).sort()).toEqual([
      'config.json',
      'onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(readdirSync(join(folder, 'onnx'))).toEqual(['model.onnx']);
  });

  it('reports through the CLI as one line on stderr with the exit code', async () => {
    for (const [ref, code, pattern] of [
      [join(corpus, 'cnn-truncated-0.5.onnx'), 65, /is not a valid ONNX model .*check the file is complete/],
      [join(corpus, 'bert-config-not-json'), 65, /config\.json is not valid JSON/],
      [
        join(corpus, 'tfjs-weights.bin-truncated-0.5', 'model.json'),
        65,
        /weight files hold \d+ bytes but model\.json describes/,
      ],
      [join(corpus, 'missing.onnx'), 66, /not found/],
    ] as const) {
      const run = await runCli(['layers', ref]);
      expect(run.code, run.stderr).toBe(code);
      expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
      expect(run.stderr).toMatch(pattern);
      expect(run.stdout).toBe('');
    }
  });
});

describe('models layerlab cannot read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerlab-unreadable-'));
  it('names an op ONNX Runtime has no kernel for', async () => {
    const cnn = tinyCnn();
    // Rename the first Relu's op type to one that does not exist (same length keeps the bytes valid).
    const text = Buffer.from(cnn).toString('latin1').replaceAll('Relu', 'Rolu');
    writeFileSync(join(dir, 'unsupported.onnx'), Buffer.from(text, 'latin1'));
    const run = await runCli(['layers', join(dir, 'unsupported.onnx')]);
    expect(run.code).toBe(65);
    expect(run.stderr).toMatch(/uses an op ONNX Runtime .* cannot run \(Rolu\)/);
  });

  it('names a folder that is neither format', async () => {
    mkdirSync(join(dir, 'empty'));
    const run = await runCli(['layers', join(dir, 'empty')]);
    expect(run.code).toBe(66);
    expect(run.stderr).toMatch(/holds neither config\.json \(transformers\.js\) nor model\.json \(TF\.js\)/);
    rmSync(join(dir, 'empty'), { recursive: true });
  });

  it('refuses an image size the model rejects', async () => {
    const { loadBackbone } = await import('../../src/backbone/load-backbone.js');
    const backbone = await loadBackbone('builtin:shapes-cnn');
    expect(() => backbone.resolvePreprocess({ resize: [64, 64] })).toThrow(
      expect.objectContaining({
        exitCode: 65,
        message: 'the model takes 32x32 images, not 64x64; drop --resize or pass --resize 32,32',
      }),
    );
  });
});
