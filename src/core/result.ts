/** Result documents of the machine contract (docs/contract.md, "Result fields"). */
export interface HeadSummary {
  /** model id within the run */
  id: string;
  type: 'linear' | 'mlp' | 'ridge';
  lr: number;
  l2: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  /** epochs the model trained (fewer than the run's when it was stopped or halved away) */
  epochs: number;
  /** units per hidden layer (mlp heads) */
  hidden?: number[];
  /** dropout rate after each hidden layer (mlp heads) */
  dropout?: number;
  /** per-epoch learning-rate schedule */
  schedule?: 'constant' | 'cosine';
  /** class weighting of the loss */
  classWeight?: 'none' | 'balanced';
}

export interface LayerResult {
  layer: string;
  best: { value: number; head: HeadSummary };
}

/** Validation metrics models are ranked by: accuracy, or macro-averaged F1 (for imbalanced tasks). */
export type RankingMetric = 'accuracy' | 'macro_f1';

export interface TrainingResult {
  type: 'result';
  run: string;
  store: string;
  metric: RankingMetric;
  /** true when every feature set was reused from the store */
  cached: boolean;
  seconds: { extract: number; train: number; total: number };
  layers: LayerResult[];
  best: { layer: string; value: number; test: number; head: HeadSummary };
  /** with `--triage K`: every scored set, best first, and whether it was trained */
  triage?: TrainTriage;
}

/** What `train --triage K` scored, and which feature sets it kept for training. */
/** Every closed-form way `triage` scores a feature set against its labels; higher is better. */
export const TRIAGE_METHODS = ['logme', 'transrate', 'hscore', 'shrinkage-hscore', 'ridge'] as const;
export type TriageMethod = (typeof TRIAGE_METHODS)[number];

export interface TrainTriage {
  method: TriageMethod;
  keep: number;
  seconds: number;
  /** `sameAs`: a better-ranked set with byte-identical stored values, trained (or not) in its place */
  layers: { layer: string; score: number | null; rank: number; kept: boolean; sameAs?: string }[];
}
