import { shapeLabelSets, SHAPES_GENERATOR_VERSION, sourceLabelSet } from '../datasets/shapes.js';
import { canonicalJson } from '../src/core/hash.js';
import { shapesCnnArchitecture } from './cnn-architecture.js';
import { evaluateAccuracy } from './evaluate-classifier.js';
import { buildInferenceModel } from './inference-model.js';
import { renderRecords } from './shapes-batches.js';
import { trainCnn, type EpochLog, type TrainSettings } from './train-loop.js';

export interface BuildSettings {
  /** generator seed of the pre-training images (the demo datasets use other seeds) */
  dataSeed: number;
  /** records [0, trainRecords) train, the next valRecords measure the shipped model */
  trainRecords: number;
  valRecords: number;
  train: TrainSettings;
}

/** The settings behind the shipped `models/shapes-cnn.onnx`. */
export const fullBuild: BuildSettings = {
  dataSeed: 20_240_601,
  trainRecords: 10_000,
  valRecords: 1000,
  train: { seed: 7, epochs: 12, batchSize: 64, learningRate: 3e-3, warmupSteps: 50 },
};

/** A few steps on a few records: same code path, seconds instead of minutes (determinism tests). */
export const quickBuild: BuildSettings = {
  dataSeed: 20_240_601,
  trainRecords: 64,
  valRecords: 32,
  train: { seed: 7, epochs: 1, batchSize: 16, learningRate: 3e-3, warmupSteps: 2, maxSteps: 3 },
};

export interface BuildResult {
  bytes: Uint8Array;
  valAccuracy: number;
  epochs: EpochLog[];
}

/** Renders the source-task data, trains the CNN, and encodes the inference model. Deterministic. */
export async function buildShapesCnn(
  settings: BuildSettings,
  onEpoch?: (log: EpochLog) => void,
): Promise<BuildResult> {
  const arch = shapesCnnArchitecture;
  const train = renderRecords(settings.dataSeed, 0, settings.trainRecords, sourceLabelSet);
  const val = renderRecords(settings.dataSeed, settings.trainRecords, settings.valRecords, sourceLabelSet);
  const result = await trainCnn(arch, train, settings.train, onEpoch);
  const classNames = shapeLabelSets[sourceLabelSet];
  const metadata = (valAccuracy?: number): Record<string, string> => ({
    'layerlab.source_task': `builtin:shapes-${sourceLabelSet}`,
    'layerlab.classes': JSON.stringify(classNames),
    'layerlab.preprocess': canonicalJson({ scale: '1/255', channels: 'rgb', layout: 'nchw', size: [32, 32] }),
    'layerlab.build': canonicalJson({ ...settings, generatorVersion: SHAPES_GENERATOR_VERSION }),
    ...(valAccuracy === undefined ? {} : { 'layerlab.source_val_accuracy': valAccuracy.toFixed(4) }),
  });
  const description =
    `A ${arch.channels.length}-block CNN (channels ${arch.channels.join('/')}) pre-trained by layerlab's ` +
    `models/build-shapes-cnn.ts on the '${sourceLabelSet}' labels of its synthetic shapes dataset.`;
  // Measure the weights as shipped, then record the accuracy in the model's own metadata.
  const draft = buildInferenceModel(arch, result.params, { description, metadata: metadata() });
  const valAccuracy = await evaluateAccuracy(draft, val, arch.classes);
  const bytes = buildInferenceModel(arch, result.params, { description, metadata: metadata(valAccuracy) });
  return { bytes, valAccuracy, epochs: result.epochs };
}
