import { Rng } from '../src/core/random.js';

/**
 * A plain CNN: blocks of 3×3 conv (stride 1, pad 1) + ReLU, a 2×2 average pool between blocks,
 * then global average pooling and one linear classifier. Small enough to train on two CPU cores.
 */
export interface CnnArchitecture {
  inputChannels: number;
  /** square input side; must be divisible by 2^(blocks - 1) */
  imageSize: number;
  /** output channels of each block's conv */
  channels: readonly number[];
  classes: number;
}

export const shapesCnnArchitecture: CnnArchitecture = {
  inputChannels: 3,
  imageSize: 32,
  channels: [16, 32, 64, 64],
  classes: 6,
};

export interface ParameterSpec {
  /** also the initializer name in the shipped model */
  name: string;
  dims: number[];
  /** inputs feeding one output unit, for He initialisation; 0 for biases */
  fanIn: number;
}

export const blockName = (block: number) => `block${block + 1}`;

/** Parameters in a fixed order: each block's conv weight and bias, then the classifier's. */
export function parameterSpecs(arch: CnnArchitecture): ParameterSpec[] {
  const specs: ParameterSpec[] = [];
  let inChannels = arch.inputChannels;
  arch.channels.forEach((outChannels, block) => {
    const prefix = `${blockName(block)}/conv`;
    specs.push({ name: `${prefix}/weight`, dims: [outChannels, inChannels, 3, 3], fanIn: inChannels * 9 });
    specs.push({ name: `${prefix}/bias`, dims: [outChannels], fanIn: 0 });
    inChannels = outChannels;
  });
  specs.push({ name: 'classifier/weight', dims: [arch.classes, inChannels], fanIn: inChannels });
  specs.push({ name: 'classifier/bias', dims: [arch.classes], fanIn: 0 });
  return specs;
}

export const elementCount = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Spatial side of each block's output (before its pool). */
export function blockSides(arch: CnnArchitecture): number[] {
  const blocks = arch.channels.length;
  if (arch.imageSize % 2 ** (blocks - 1) !== 0) {
    throw new Error(`image size ${arch.imageSize} cannot be halved ${blocks - 1} times`);
  }
  return arch.channels.map((_c, block) => arch.imageSize / 2 ** block);
}

/** He-normal weights (ReLU gain for convs, 1 for the classifier), zero biases, from one seed. */
export function initParameters(arch: CnnArchitecture, seed: number): Float32Array[] {
  return parameterSpecs(arch).map((spec) => {
    const values = new Float32Array(elementCount(spec.dims));
    if (spec.fanIn === 0) return values;
    const gain = spec.name.startsWith('classifier') ? 1 : 2;
    const std = Math.sqrt(gain / spec.fanIn);
    const rng = Rng.derive(seed, `init/${spec.name}`);
    for (let i = 0; i < values.length; i++) values[i] = rng.normal() * std;
    return values;
  });
}
