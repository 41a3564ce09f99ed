import type { CnnArchitecture } from '../../models/cnn-architecture.js';

type Values = ArrayLike<number>;

/** A float64 re-implementation of the CNN's loss, slow and obvious, for checking the ONNX graphs. */
export function referenceLoss(
  arch: CnnArchitecture,
  params: readonly Values[],
  image: Values,
  labels: readonly number[],
): number {
  const batch = labels.length;
  let side = arch.imageSize;
  let channels = arch.inputChannels;
  let x = Float64Array.from(image);
  arch.channels.forEach((outChannels, block) => {
    const weight = params[2 * block]!;
    const bias = params[2 * block + 1]!;
    const y = new Float64Array(batch * outChannels * side * side);
    for (let n = 0; n < batch; n++)
      for (let co = 0; co < outChannels; co++)
        for (let r = 0; r < side; r++)
          for (let c = 0; c < side; c++) {
            let sum = bias[co]!;
            for (let ci = 0; ci < channels; ci++)
              for (let kr = 0; kr < 3; kr++)
                for (let kc = 0; kc < 3; kc++) {
                  const rr = r + kr - 1;
                  const cc = c + kc - 1;
                  if (rr < 0 || cc < 0 || rr >= side || cc >= side) continue;
                  sum +=
                    weight[((co * channels + ci) * 3 + kr) * 3 + kc]! *
                    x[((n * channels + ci) * side + rr) * side + cc]!;
                }
            y[((n * outChannels + co) * side + r) * side + c] = Math.max(0, sum);
          }
    channels = outChannels;
    x = y;
    if (block === arch.channels.length - 1) return;
    const half = side / 2;
    const pooled = new Float64Array(batch * channels * half * half);
    for (let p = 0; p < batch * channels; p++)
      for (let r = 0; r < half; r++)
        for (let c = 0; c < half; c++) {
          const at = (rr: number, cc: number) => x[(p * side + rr) * side + cc]!;
          pooled[(p * half + r) * half + c] =
            (at(2 * r, 2 * c) + at(2 * r, 2 * c + 1) + at(2 * r + 1, 2 * c) + at(2 * r + 1, 2 * c + 1)) / 4;
        }
    x = pooled;
    side = half;
  });
  const weight = params[2 * arch.channels.length]!;
  const bias = params[2 * arch.channels.length + 1]!;
  let loss = 0;
  for (let n = 0; n < batch; n++) {
    const features = Array.from({ length: channels }, (_v, ch) => {
      let sum = 0;
      for (let i = 0; i < side * side; i++) sum += x[(n * channels + ch) * side * side + i]!;
      return sum / (side * side);
    });
    const logits = Array.from({ length: arch.classes }, (_v, k) =>
      features.reduce((sum, f, ch) => sum + f * weight[k * channels + ch]!, bias[k]!),
    );
    const max = Math.max(...logits);
    const logSum = max + Math.log(logits.reduce((sum, l) => sum + Math.exp(l - max), 0));
    loss += logSum - logits[labels[n]!]!;
  }
  return loss / batch;
}
