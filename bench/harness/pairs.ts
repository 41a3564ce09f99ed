import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ImagePreprocessOverrides } from '../../src/backbone/image-preprocess.js';
import { assetPath, assetPreprocess } from './assets.js';
import { writeIdxSubset } from './subset-idx.js';
import { writeImageFolderSubset } from './subset-image-folder.js';

/** Where a pair's records come from, and how many of them the benchmark uses. */
export type DataRecipe =
  | { kind: 'builtin'; ref: string; count: number }
  | { kind: 'idx'; source: string; train: number; test: number }
  | { kind: 'images'; source: string; perClass: { train: number; test: number } };

/** One model × dataset workload of the end-to-end benchmark. */
export interface BenchPair {
  id: string;
  model: string;
  dataset: string;
  /** the model ref as `extract` takes it */
  modelRef: string;
  /** capture points (selectors as `--layers` takes them) */
  layers: string[];
  preprocess: ImagePreprocessOverrides;
  data: DataRecipe;
}

const builtinPair = (count: number): BenchPair => ({
  id: 'builtin',
  model: 'builtin:shapes-cnn',
  dataset: 'builtin:shapes',
  modelRef: 'builtin:shapes-cnn',
  layers: ['blocks'],
  preprocess: {},
  data: { kind: 'builtin', ref: 'builtin:shapes', count },
});

/**
 * The pairs to run: the built-in backbone always; each real model × dataset pair of the shared
 * assets whose files are present (absent ones are listed in `skipped` with the reason). Subsets are
 * sized so the whole `npm run bench` stays within about a quarter of an hour on 2 cores; `quick` keeps
 * only a small built-in run.
 */
export function benchPairs(quick: boolean): { pairs: BenchPair[]; skipped: string[] } {
  if (quick) return { pairs: [builtinPair(3000)], skipped: ['real models: not in --quick'] };
  const pairs = [builtinPair(8000)];
  const skipped: string[] = [];
  const candidates: (BenchPair & { needs: string[] })[] = [
    {
      id: 'mnist-8--fashion-mnist',
      model: 'mnist-8',
      dataset: 'fashion-mnist',
      modelRef: assetPath('models', 'mnist-8', 'model.onnx'),
      // every float tensor between input and logits: 6 capture points (`layers --all`)
      layers: ['*'],
      preprocess: assetPreprocess(assetPath('models', 'mnist-8')),
      data: { kind: 'idx', source: assetPath('datasets', 'fashion-mnist'), train: 8000, test: 1000 },
      needs: [assetPath('models', 'mnist-8', 'model.onnx'), assetPath('datasets', 'fashion-mnist')],
    },
    {
      id: 'cifar10-resnet4b--cifar10-jpg',
      model: 'cifar10-resnet4b',
      dataset: 'cifar10-jpg',
      modelRef: assetPath('models', 'cifar10-resnet4b', 'model.onnx'),
      layers: ['blocks'],
      preprocess: assetPreprocess(assetPath('models', 'cifar10-resnet4b')),
      data: {
        kind: 'images',
        source: assetPath('datasets', 'cifar10-jpg'),
        perClass: { train: 250, test: 50 },
      },
      needs: [assetPath('models', 'cifar10-resnet4b', 'model.onnx'), assetPath('datasets', 'cifar10-jpg')],
    },
    {
      id: 'vit-cifar10--cifar10-jpg',
      model: 'vit-cifar10-ibp_3_3_8',
      dataset: 'cifar10-jpg',
      modelRef: assetPath('models', 'vit-cifar10-ibp_3_3_8', 'model.onnx'),
      layers: ['blocks'],
      preprocess: assetPreprocess(assetPath('models', 'vit-cifar10-ibp_3_3_8')),
      data: {
        kind: 'images',
        source: assetPath('datasets', 'cifar10-jpg'),
        perClass: { train: 250, test: 50 },
      },
      needs: [
        assetPath('models', 'vit-cifar10-ibp_3_3_8', 'model.onnx'),
        assetPath('datasets', 'cifar10-jpg'),
      ],
    },
  ];
  for (const { needs, ...pair } of candidates) {
    const missing = needs.filter((path) => !existsSync(path));
    if (missing.length === 0) pairs.push(pair);
    else skipped.push(`${pair.model} × ${pair.dataset}: ${missing.join(', ')} absent`);
  }
  return { pairs, skipped };
}

/** Makes the pair's records available under `dir` (subsets are copied there) and returns the data ref. */
export function prepareData(pair: BenchPair, dir: string): string {
  const { data } = pair;
  if (data.kind === 'builtin') return data.ref;
  const out = join(dir, pair.dataset);
  if (data.kind === 'idx') writeIdxSubset(data.source, out, data);
  else writeImageFolderSubset(data.source, out, data.perClass);
  return out;
}
