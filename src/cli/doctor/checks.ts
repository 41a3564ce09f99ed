import { existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ort } from '../../backbone/ort-runtime.js';
import { open } from 'lmdb';
import { encodeModel, GraphBuilder } from '../../core/onnx/index.js';
import { filesystemKind } from '../../core/filesystem-types.js';
import { formatBytes } from '../../core/format-bytes.js';
import { packageRoot } from '../../core/paths.js';
import { layerlabVersion, packageVersion as versionOf } from '../../core/package-version.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** what to do when not ok */
  fix?: string;
}

export function versions(): Record<string, string> {
  const entries: [string, string | undefined][] = [
    ['layerlab', layerlabVersion()],
    ['node', process.versions.node],
    ['onnxruntime-node', versionOf('onnxruntime-node')],
    ['lmdb', versionOf('lmdb')],
    ['sharp', versionOf('sharp')],
    ['@huggingface/transformers', versionOf('@huggingface/transformers')],
    ['@tensorflow/tfjs', versionOf('@tensorflow/tfjs')],
  ];
  return Object.fromEntries(entries.map(([k, v]) => [k, v ?? 'not installed']));
}

export function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return {
    name: 'node',
    ok,
    detail: process.versions.node,
    ...(ok ? {} : { fix: 'install Node.js 20.19 or newer' }),
  };
}

/** Runs a one-node graph: proves the native addon loads and the CPU provider executes. */
export async function checkOnnxRuntime(): Promise<Check> {
  const providers = ort
    .listSupportedBackends()
    .map((b) => `${b.name}${b.bundled ? '' : ' (needs ONNXRUNTIME_NODE_INSTALL)'}`)
    .join(', ');
  try {
    const g = new GraphBuilder('doctor');
    g.op('Relu', [g.input('x', 'float32', [2])], undefined, 'y');
    g.output('y', 'float32', [2]);
    const session = await ort.InferenceSession.create(
      encodeModel({ graph: g.build(), opsets: [{ domain: '', version: 17 }] }),
      { logSeverityLevel: 3 },
    );
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2]), [2]) });
    await session.release();
    const ok = Array.from(out.y!.data as Float32Array).join() === '0,2';
    return {
      name: 'onnxruntime',
      ok,
      detail: `execution providers: ${providers}`,
      ...(ok ? {} : { fix: 'reinstall onnxruntime-node (npm ci)' }),
    };
  } catch (error) {
    return {
      name: 'onnxruntime',
      ok: false,
      detail: String((error as Error).message).split('\n')[0]!,
      fix: 'reinstall onnxruntime-node (npm ci); its binary ships in the npm package',
    };
  }
}

export function checkTfjsBindings(): Check {
  const native = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'].find((name) => versionOf(name));
  const js = versionOf('@tensorflow/tfjs');
  const detail = native
    ? `native bindings: ${native}`
    : js
      ? 'pure-JS TF.js (no native bindings installed)'
      : 'TF.js not installed (TF.js models unavailable)';
  return { name: 'tfjs', ok: true, detail };
}

/** The home must be a writable local folder where LMDB can open an environment. */
export function checkHome(home: string): Check[] {
  const checks: Check[] = [];
  try {
    mkdirSync(home, { recursive: true });
  } catch (error) {
    return [
      {
        name: 'home',
        ok: false,
        detail: `${home}: ${(error as NodeJS.ErrnoException).code ?? 'cannot create'}`,
        fix: 'pass --home DIR or set LAYERLAB_HOME to a writable folder',
      },
    ];
  }
  const stats = statfsSync(home);
  const kind = filesystemKind(stats.type);
  const freeBytes = stats.bavail * stats.bsize;
  const freeGiB = freeBytes / 2 ** 30;
  checks.push({
    name: 'home',
    ok: !kind.network,
    detail: `${home} (${kind.name}, ${formatBytes(freeBytes)} free)`,
    ...(kind.network
      ? { fix: `LMDB must not live on ${kind.name}; point --home or LAYERLAB_HOME at a local disk` }
      : {}),
  });
  checks.push({
    name: 'free space',
    ok: freeGiB >= 1,
    detail: formatBytes(freeBytes),
    ...(freeGiB >= 1 ? {} : { fix: 'free disk space or move the home (--home) to a larger disk' }),
  });
  let probe: string | undefined;
  try {
    probe = mkdtempSync(join(home, '.doctor-'));
    const env = open({ path: join(probe, 'probe.mdb') });
    env.putSync('k', 'v');
    const ok = env.get('k') === 'v';
    void env.close();
    checks.push({
      name: 'lmdb',
      ok,
      detail: ok ? 'write and read in the home: ok' : 'read back a different value',
      ...(ok ? {} : { fix: 'reinstall lmdb (npm ci)' }),
    });
  } catch (error) {
    checks.push({
      name: 'lmdb',
      ok: false,
      detail: String((error as Error).message).split('\n')[0]!,
      fix: 'make the home writable, or pass --home DIR',
    });
  } finally {
    if (probe && existsSync(probe)) rmSync(probe, { recursive: true, force: true });
  }
  return checks;
}

export function checkBuiltinModel(): Check {
  const path = join(packageRoot(), 'models', 'shapes-cnn.onnx');
  const ok = existsSync(path);
  return {
    name: 'builtin model',
    ok,
    detail: ok ? path : `${dirname(path)} has no shapes-cnn.onnx`,
    ...(ok ? {} : { fix: 'reinstall layerlab, or rebuild it with `npm run build:model`' }),
  };
}
