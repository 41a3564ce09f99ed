import { beforeAll, describe, expect, it } from 'vitest';
import type { Backbone } from '../../src/backbone/backbone.js';
import {
  gridSize,
  pointLayout,
  poolingMismatch,
  viewName,
  type CapturePoint,
  type Pooling,
} from '../../src/backbone/capture-point.js';
import { blockOutputs } from '../../src/backbone/select-layers.js';
import type { RecordBatch } from '../../src/data/record-batch.js';
import { poolReference } from './reference-pooling.js';

export interface Reference {
  data: ArrayLike<number>;
  dims: number[];
}

/** One implementation of the Backbone interface, with independent references for its tensors. */
export interface ContractCase {
  name: string;
  load(): Promise<Backbone>;
  /** a batch of at least two records (texts of different lengths for text models) */
  records(): Promise<RecordBatch>;
  /** a tensor computed without layerlab's surgery (a sub-model cut at it, or a hand computation) */
  reference(backbone: Backbone, point: CapturePoint, records: RecordBatch): Promise<Reference>;
  /** the unmodified model's output for these records, and the capture point that names it */
  original(backbone: Backbone, records: RecordBatch): Promise<{ point: string; data: Float32Array }>;
  /** per record, which tokens the attention mask keeps (text models) */
  mask?(backbone: Backbone, records: RecordBatch): Promise<number[][]>;
  /** absolute tolerance for values computed by a different graph (fusions may reorder sums) */
  tolerance?: number;
  /** also check the final output with every capture point exposed at once @default true */
  allPoints?: boolean;
}

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  }
  expect(worst).toBeLessThanOrEqual(tolerance);
}

/**
 * The contract every backbone adapter keeps (STYLE.md 15: one suite, every implementation):
 * capture points have a symbolic batch axis and group into blocks; one pass returns every selected
 * point, and each captured (unpooled) tensor equals the independent reference; each pooling equals
 * that pooling applied to the reference; the model's own output comes back bitwise equal.
 */
export function captureContract(c: ContractCase): void {
  describe(`${c.name}: capture contract`, () => {
    let backbone: Backbone;
    let records: RecordBatch;
    let blocks: CapturePoint[];
    const tolerance = c.tolerance ?? 1e-5;
    beforeAll(async () => {
      backbone = await c.load();
      records = await c.records();
      blocks = blockOutputs(backbone.points);
    });
    const capture = async (points: readonly CapturePoint[], pooling: Pooling) => {
      const session = await backbone.openCapture(points, pooling, {
        threads: 1,
        preprocess: backbone.resolvePreprocess(),
      });
      try {
        const values = await session.run(records);
        expect(session.views).toEqual(points.map((p) => viewName(p.name, pooling)));
        const count = records.kind === 'image' ? records.count : records.texts.length;
        values.forEach((v, i) => expect(v.length).toBe(count * session.dims[i]!));
        return values;
      } finally {
        await session.release();
      }
    };

    it('lists capture points with a symbolic batch axis, grouped into blocks', () => {
      expect(backbone.points.length).toBeGreaterThan(0);
      expect(blocks.length).toBeGreaterThan(1);
      for (const p of backbone.points) {
        expect(p.shape[0]).toBe('N');
        expect(p.size).toBeGreaterThan(0);
        expect(p.pooledSize).toBeGreaterThan(0);
        expect(p.pooledSize).toBeLessThanOrEqual(p.size);
      }
    });

    it('captures every block output in one pass, each equal to its independent reference', async () => {
      const captured = await capture(blocks, 'none');
      for (const [i, point] of blocks.entries()) {
        const ref = await c.reference(backbone, point, records);
        expectClose(captured[i]!, ref.data, tolerance);
      }
    });

    it('pools inside the pass exactly like pooling the reference', async () => {
      const mask = c.mask ? await c.mask(backbone, records) : undefined;
      const references = await Promise.all(blocks.map((p) => c.reference(backbone, p, records)));
      for (const pooling of ['mean', 'max', 'cls', 'grid:2', 'grid:3'] as Pooling[]) {
        const applicable = blocks.filter(
          (p) =>
            poolingMismatch(p, pooling) === undefined && (pooling === 'mean' || pointLayout(p) !== 'vector'),
        );
        if (applicable.length === 0) continue;
        const captured = await capture(applicable, pooling);
        applicable.forEach((point, i) => {
          const ref = references[blocks.indexOf(point)]!;
          const tokenMask = pointLayout(point) === 'tokens' && point.shape[1] === 'T' ? mask : undefined;
          const expected = poolReference(ref.data, ref.dims, pointLayout(point), pooling, tokenMask);
          expectClose(captured[i]!, expected, gridSize(pooling) ? Math.max(tolerance, 1e-5) : tolerance);
        });
      }
    });

    it("returns the model's own output bitwise equal to the unmodified model", async () => {
      const original = await c.original(backbone, records);
      const point = backbone.points.find((p) => p.name === original.point)!;
      expect(point).toBeDefined();
      const withBlocks = [...new Set([...blocks, point])];
      const captured = (await capture(withBlocks, 'none'))[withBlocks.indexOf(point)]!;
      expect(bytesOf(captured).equals(bytesOf(original.data))).toBe(true);
      if (c.allPoints === false) return;
      const everything = await capture(backbone.points, 'none');
      const all = everything[backbone.points.indexOf(point)]!;
      expect(bytesOf(all).equals(bytesOf(original.data))).toBe(true);
    });
  });
}
