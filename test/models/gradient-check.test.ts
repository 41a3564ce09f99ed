import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import {
  elementCount,
  initParameters,
  parameterSpecs,
  type CnnArchitecture,
} from '../../models/cnn-architecture.js';
import { floatTensor, openSession, outputData } from '../../models/ort-session.js';
import { buildGradientModel, trainNames } from '../../models/train-step-graph.js';
import { referenceLoss } from './reference-cnn.js';

// Four blocks, so every backward piece (GAP, three pools, transposed convs) is exercised, on an 8×8 input.
const tiny: CnnArchitecture = { inputChannels: 3, imageSize: 8, channels: [3, 4, 5, 4], classes: 3 };
const batch = 3;

describe('CNN training graph', () => {
  it('computes the loss of a float64 reference and its exact gradient', async () => {
    const session = await openSession(buildGradientModel(tiny, batch));
    const rng = new Rng(7);
    const specs = parameterSpecs(tiny);
    // Non-zero biases so their gradients and the ReLU masks are not trivial.
    const params = initParameters(tiny, 3).map((p, i) =>
      specs[i]!.fanIn === 0 ? p.map(() => rng.uniform(-0.1, 0.1)) : p,
    );
    const image = Float32Array.from({ length: batch * 3 * 8 * 8 }, () => rng.next());
    const labels = Array.from({ length: batch }, () => rng.int(tiny.classes));
    const onehot = new Float32Array(batch * tiny.classes);
    labels.forEach((label, n) => (onehot[n * tiny.classes + label] = 1));

    const feeds: Record<string, ReturnType<typeof floatTensor>> = {
      [trainNames.image]: floatTensor(image, [batch, 3, 8, 8]),
      [trainNames.onehot]: floatTensor(onehot, [batch, tiny.classes]),
    };
    specs.forEach((spec, i) => (feeds[spec.name] = floatTensor(params[i]!, spec.dims)));
    const outputs = await session.run(feeds);
    expect(outputData(outputs, trainNames.loss)[0]).toBeCloseTo(
      referenceLoss(tiny, params, image, labels),
      6,
    );

    // Central differences of the float64 reference along a random direction per parameter tensor. A tiny
    // step keeps the chance of crossing a ReLU kink negligible; float64 keeps rounding far below it.
    const epsilon = 1e-6;
    for (const [i, spec] of specs.entries()) {
      const grad = outputData(outputs, trainNames.grad(spec.name));
      expect(grad.length).toBe(elementCount(spec.dims));
      const direction = Float64Array.from({ length: grad.length }, () => rng.normal());
      const shifted = (sign: number) =>
        params.map((p, j) =>
          j === i ? Float64Array.from(p, (x, k) => x + sign * epsilon * direction[k]!) : p,
        );
      const numeric =
        (referenceLoss(tiny, shifted(1), image, labels) - referenceLoss(tiny, shifted(-1), image, labels)) /
        (2 * epsilon);
      const analytic = grad.reduce((sum, g, k) => sum + g * direction[k]!, 0);
      expect(Math.abs(analytic), spec.name).toBeGreaterThan(1e-4);
      expect(Math.abs(numeric - analytic), spec.name).toBeLessThan(1e-6 + 1e-4 * Math.abs(analytic));
    }
  });
});
