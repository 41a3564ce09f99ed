import type { Tensor } from '@tensorflow/tfjs';
import type { BackboneInput } from './backbone.js';
import type { CapturePoint } from './capture-point.js';

/** What the TF.js backbone needs from a loaded LayersModel or GraphModel. */
export interface TfjsModel {
  /** the one image input */
  input: BackboneInput;
  points: CapturePoint[];
  /** a pass computing the selected points for an input batch, in their order */
  runner(points: readonly CapturePoint[]): (x: Tensor) => Promise<Tensor[]>;
}
