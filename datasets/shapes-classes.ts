/**
 * The label sets of the synthetic shapes dataset. Every image carries one label from each set, drawn
 * independently, so any set can be the task while the others act as nuisance factors.
 */
export const shapeLabelSets = {
  /** The source task the embedded CNN is pre-trained on. */
  shape: ['circle', 'square', 'triangle', 'cross', 'ring', 'diamond'],
  /** How the shape is filled with its colour and a dark shade: 3-px bands, checks or dots on a 6-px grid. */
  texture: ['solid', 'h-stripes', 'v-stripes', 'checker', 'dots'],
  /** Hue family of the shape's colour. */
  colour: ['red', 'yellow', 'green', 'cyan', 'blue', 'magenta'],
  size: ['small', 'medium', 'large'],
  /** Quadrant that holds the shape's centre. */
  position: ['top-left', 'top-right', 'bottom-left', 'bottom-right'],
  /** Strength of the per-pixel noise on the background. */
  noise: ['low', 'medium', 'high'],
} as const satisfies Record<string, readonly string[]>;

export type ShapeLabelSet = keyof typeof shapeLabelSets;

/** Label sets in a fixed order (object key order is the declaration order above). */
export const shapeLabelSetNames = Object.keys(shapeLabelSets) as ShapeLabelSet[];

/** The label set the embedded CNN learns; every other set is a transfer target. */
export const sourceLabelSet: ShapeLabelSet = 'shape';

export type ShapeLabels = Record<ShapeLabelSet, number>;

export function isShapeLabelSet(name: string): name is ShapeLabelSet {
  return Object.hasOwn(shapeLabelSets, name);
}
