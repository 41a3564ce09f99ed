import { Rng } from '../../core/random.js';

/**
 * Inverted-dropout masks for one stack during one unit: per head its own stream, seeded by the run
 * seed, the model id, the epoch and the shard, drawn step by step, layer by layer. So a model's masks
 * do not depend on its group, its position in the group or the worker (fused = alone, MOP = sequential),
 * and a unit re-run after a failure or a resume draws the same masks. Drawn in JavaScript rather than
 * by an ONNX random op, whose generator state lives in the session and would not move with the model.
 */
export class DropoutMasks {
  private readonly streams: Rng[];

  constructor(
    seed: number,
    models: readonly string[],
    private readonly rates: readonly number[],
    epoch: number,
    shard: number,
  ) {
    this.streams = models.map((id) => Rng.derive(seed, `dropout/${id}/e${epoch}/s${shard}`));
  }

  /** The masks of the next step, one [K, B, H] array per hidden layer: 0 or 1 / (1 − p). */
  next(batch: number, hidden: readonly number[]): Float32Array[] {
    const heads = this.streams.length;
    return hidden.map((units) => {
      const size = batch * units;
      const mask = new Float32Array(heads * size);
      for (let k = 0; k < heads; k++) {
        const p = this.rates[k]!;
        const rng = this.streams[k]!;
        const keep = p > 0 ? 1 / (1 - p) : 1;
        for (let i = 0; i < size; i++) mask[k * size + i] = p > 0 && rng.next() < p ? 0 : keep;
      }
      return mask;
    });
  }
}
