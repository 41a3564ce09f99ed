/** Result documents of the machine contract (DESIGN.md, "Result fields"). */
export interface HeadSummary {
  /** model id within the run */
  id: string;
  type: 'linear' | 'mlp';
  lr: number;
  l2: number;
  batchSize: number;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  epochs: number;
}

export interface LayerResult {
  layer: string;
  best: { value: number; head: HeadSummary };
}

export interface TrainingResult {
  type: 'result';
  run: string;
  store: string;
  metric: 'accuracy';
  /** true when every feature set was reused from the store */
  cached: boolean;
  seconds: { extract: number; train: number; total: number };
  layers: LayerResult[];
  best: { layer: string; value: number; test: number; head: HeadSummary };
}
