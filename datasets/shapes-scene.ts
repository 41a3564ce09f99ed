import type { Rng } from '../src/core/random.js';
import { shapeLabelSets, type ShapeLabels } from './shapes-classes.js';

/** Everything needed to draw one image; labels first, then the continuous nuisance parameters. */
export interface ShapeScene {
  labels: ShapeLabels;
  /** centre in pixels */
  cx: number;
  cy: number;
  /** outer radius in pixels */
  radius: number;
  /** rotation of the shape (not of its texture) in radians */
  angle: number;
  /** shape colour, RGB in [0, 1] */
  colour: [number, number, number];
  /** background colour, RGB in [0, 1] */
  background: [number, number, number];
  /** half-width of the background noise, in [0, 1] units */
  noise: number;
  /** texture offset in pixels, so stripes do not line up with the position label */
  phaseX: number;
  phaseY: number;
}

export const IMAGE_SIZE = 32;

/**
 * Texture period in pixels. At 6 (bands of 3) one period is wider than a first-block 3×3 filter,
 * so telling the textures apart takes the larger receptive fields of the middle blocks.
 */
export const TEXTURE_PERIOD = 6;

const radiusBySize = [6, 8.5, 11];
const noiseByLevel = [0.02, 0.07, 0.16];
const maxAngle = (15 * Math.PI) / 180;

/** Labels are drawn first, so `sampleLabels` alone reproduces them without drawing the rest. */
export function sampleLabels(rng: Rng): ShapeLabels {
  return {
    shape: rng.int(shapeLabelSets.shape.length),
    texture: rng.int(shapeLabelSets.texture.length),
    colour: rng.int(shapeLabelSets.colour.length),
    size: rng.int(shapeLabelSets.size.length),
    position: rng.int(shapeLabelSets.position.length),
    noise: rng.int(shapeLabelSets.noise.length),
  };
}

export function sampleScene(rng: Rng): ShapeScene {
  const labels = sampleLabels(rng);
  const radius = radiusBySize[labels.size]! + rng.uniform(-0.5, 0.5);
  // The centre lies in its quadrant, at least 2.5 px off the midlines, and keeps the shape on the canvas.
  const half = IMAGE_SIZE / 2;
  const maxOffset = Math.max(2.5, half - 0.5 - radius);
  const sx = labels.position & 1 ? 1 : -1;
  const sy = labels.position & 2 ? 1 : -1;
  const cx = half + sx * rng.uniform(2.5, maxOffset);
  const cy = half + sy * rng.uniform(2.5, maxOffset);
  const angle = rng.uniform(-maxAngle, maxAngle);
  const hue = labels.colour * 60 + rng.uniform(-10, 10);
  const colour = hsvToRgb(hue, rng.uniform(0.65, 1), rng.uniform(0.75, 1));
  const grey = rng.uniform(0.1, 0.45);
  const background: [number, number, number] = [
    grey + rng.uniform(-0.04, 0.04),
    grey + rng.uniform(-0.04, 0.04),
    grey + rng.uniform(-0.04, 0.04),
  ];
  const noise = noiseByLevel[labels.noise]! * rng.uniform(0.85, 1.15);
  return {
    labels,
    cx,
    cy,
    radius,
    angle,
    colour,
    background,
    noise,
    phaseX: rng.int(TEXTURE_PERIOD),
    phaseY: rng.int(TEXTURE_PERIOD),
  };
}

function hsvToRgb(hueDegrees: number, s: number, v: number): [number, number, number] {
  const h = (((hueDegrees % 360) + 360) % 360) / 60;
  const f = (k: number) => {
    const m = (k + h) % 6;
    return v - v * s * Math.max(0, Math.min(m, 4 - m, 1));
  };
  return [f(5), f(3), f(1)];
}
