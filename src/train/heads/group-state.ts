/**
 * A fused group's trainable state (weights and optimizer buffers), one float32 tensor per name.
 * Head graphs take each as an input `name` and return it updated as `nextName(name)`, so the unit
 * runner, the workers and checkpoints handle every head type alike. Clone-safe.
 */
export interface StateTensor {
  dims: number[];
  data: Float32Array;
}

export type GroupState = Record<string, StateTensor>;

/** Per-head hyper-parameter inputs of a group's graph, by input name ([K, 1, 1] or [K, C, 1]). */
export type HyperValues = Record<string, StateTensor>;

export const nextName = (name: string): string => `${name}_next`;

/** The buffers to transfer (not copy) when a state moves between threads. */
export function stateBuffers(state: GroupState): ArrayBuffer[] {
  return Object.values(state).map((t) => t.data.buffer as ArrayBuffer);
}

/** A deep copy, for when the original is about to be transferred away. */
export function copyState(state: GroupState): GroupState {
  const out: GroupState = {};
  for (const [name, t] of Object.entries(state)) out[name] = { dims: [...t.dims], data: t.data.slice() };
  return out;
}
