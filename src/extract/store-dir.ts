import { join } from 'node:path';
import type { Backbone, PreprocessSpec } from '../backbone/backbone.js';
import { digestOf } from '../core/hash.js';
import type { DataSource } from '../data/data-source.js';

/** The store for one (backbone, preprocessing, dataset lineage): all its feature sets live together. */
export function storeDirFor(
  storesRoot: string,
  backbone: Backbone,
  dataset: DataSource,
  preprocess: PreprocessSpec,
): string {
  const lineage = dataset.lineage ?? dataset.digest;
  const digest = digestOf({ model: backbone.digest, data: lineage, pre: preprocess }, 12);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  return join(storesRoot, `${slug(backbone.name)}--${slug(dataset.name)}--${digest}`);
}
