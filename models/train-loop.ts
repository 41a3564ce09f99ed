import type * as ort from 'onnxruntime-node';
import { Rng } from '../src/core/random.js';
import { initParameters, parameterSpecs, type CnnArchitecture } from './cnn-architecture.js';
import { adamStepSize } from './adam-graph.js';
import { argmaxRow } from './argmax.js';
import { floatTensor, openSession, outputData } from './ort-session.js';
import { batchImages, batchOneHot, type RenderedRecords } from './shapes-batches.js';
import { buildTrainStepModel, trainNames } from './train-step-graph.js';

export interface TrainSettings {
  /** seeds the weight init and the per-epoch shuffles */
  seed: number;
  epochs: number;
  batchSize: number;
  /** peak Adam learning rate, reached after a linear warm-up and then cosine-decayed to zero */
  learningRate: number;
  warmupSteps: number;
  /** stop early after this many steps (quick builds) */
  maxSteps?: number;
}

export interface EpochLog {
  epoch: number;
  steps: number;
  loss: number;
  accuracy: number;
}

export interface TrainResult {
  params: Float32Array[];
  steps: number;
  epochs: EpochLog[];
}

function learningRateAt(step: number, total: number, settings: TrainSettings): number {
  if (step < settings.warmupSteps) return (settings.learningRate * (step + 1)) / settings.warmupSteps;
  const progress = (step - settings.warmupSteps) / Math.max(1, total - settings.warmupSteps);
  return settings.learningRate * 0.5 * (1 + Math.cos(Math.PI * progress));
}

function countCorrect(
  logits: Float32Array,
  labels: Int32Array,
  indices: ArrayLike<number>,
  classes: number,
): number {
  let correct = 0;
  for (let b = 0; b < indices.length; b++)
    if (argmaxRow(logits, b, classes) === labels[indices[b]!]) correct++;
  return correct;
}

/**
 * Trains the CNN with ONNX Runtime, one session run per step: the step graph takes the parameters and
 * Adam moments as inputs and returns the updated ones, which feed the next run unchanged. Batches are
 * full (the shuffled remainder of an epoch is dropped), so the graph's batch size can be static.
 */
export async function trainCnn(
  arch: CnnArchitecture,
  records: RenderedRecords,
  settings: TrainSettings,
  onEpoch: (log: EpochLog) => void = () => {},
): Promise<TrainResult> {
  const { batchSize } = settings;
  const stepsPerEpoch = Math.floor(records.count / batchSize);
  if (stepsPerEpoch === 0) throw new Error(`need at least ${batchSize} training records`);
  const total = Math.min(stepsPerEpoch * settings.epochs, settings.maxSteps ?? Infinity);
  const session = await openSession(buildTrainStepModel(arch, batchSize));
  const specs = parameterSpecs(arch);

  const state: Record<string, ort.Tensor> = {};
  initParameters(arch, settings.seed).forEach((values, i) => {
    const spec = specs[i]!;
    state[spec.name] = floatTensor(values, spec.dims);
    state[trainNames.m(spec.name)] = floatTensor(new Float32Array(values.length), spec.dims);
    state[trainNames.v(spec.name)] = floatTensor(new Float32Array(values.length), spec.dims);
  });
  const shuffleRng = Rng.derive(settings.seed, 'shuffle');
  const order = Array.from({ length: records.count }, (_v, i) => i);
  const epochs: EpochLog[] = [];

  let step = 0;
  for (let epoch = 0; step < total; epoch++) {
    shuffleRng.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let s = 0; s < stepsPerEpoch && step < total; s++, step++) {
      const indices = order.slice(s * batchSize, (s + 1) * batchSize);
      const stepSize = adamStepSize(learningRateAt(step, total, settings), step + 1);
      const outputs = await session.run({
        ...state,
        [trainNames.image]: floatTensor(batchImages(records, indices), [
          batchSize,
          arch.inputChannels,
          arch.imageSize,
          arch.imageSize,
        ]),
        [trainNames.onehot]: floatTensor(batchOneHot(records, indices, arch.classes), [
          batchSize,
          arch.classes,
        ]),
        [trainNames.stepSize]: floatTensor(Float32Array.of(stepSize), []),
      });
      for (const name of Object.keys(state)) state[name] = outputs[trainNames.next(name)]!;
      lossSum += outputData(outputs, trainNames.loss)[0]! * batchSize;
      correct += countCorrect(outputData(outputs, trainNames.logits), records.labels, indices, arch.classes);
      seen += batchSize;
    }
    const log = { epoch: epoch + 1, steps: step, loss: lossSum / seen, accuracy: correct / seen };
    epochs.push(log);
    onEpoch(log);
  }
  await session.release();
  return { params: specs.map((spec) => state[spec.name]!.data as Float32Array), steps: step, epochs };
}
