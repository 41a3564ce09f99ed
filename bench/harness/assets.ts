import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImagePreprocessOverrides } from '../../src/backbone/image-preprocess.js';
import { packageRoot } from '../../src/core/paths.js';

/** The shared real models and datasets (../shared/assets beside the repository, or LAYERLAB_ASSETS). */
export function assetsRoot(): string {
  return process.env.LAYERLAB_ASSETS ?? join(packageRoot(), '..', 'shared', 'assets');
}

export const assetPath = (...parts: string[]) => join(assetsRoot(), ...parts);

/**
 * The preprocessing a model folder's ASSET_INFO.json describes in words: "raw ... 0..255" means no
 * scaling; "normalize mean (a,b,c) std (d,e,f)" gives per-channel normalisation after x/255.
 * Absent or silent: layerlab's defaults.
 */
export function assetPreprocess(modelFolder: string): ImagePreprocessOverrides {
  const path = join(modelFolder, 'ASSET_INFO.json');
  if (!existsSync(path)) return {};
  const info = JSON.parse(readFileSync(path, 'utf8')) as { preprocessing?: string };
  const text = info.preprocessing ?? '';
  const overrides: ImagePreprocessOverrides = {};
  if (/\braw\b[^.]*0\s*\.\.\s*255/i.test(text)) overrides.scale = 1;
  const numbers = (list: string) => list.split(',').map((v) => Number(v.trim()));
  const normalize = /mean\s*\(([^)]+)\)\s*std\s*\(([^)]+)\)/i.exec(text);
  if (normalize) {
    const mean = numbers(normalize[1]!);
    const std = numbers(normalize[2]!);
    if ([...mean, ...std].every(Number.isFinite)) Object.assign(overrides, { mean, std });
  }
  return overrides;
}
