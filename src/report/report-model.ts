import type { TrainingResult } from '../core/result.js';
import type { GroupResults } from '../train/run-folder/group-results.js';

/** Everything the HTML report shows, as plain data (loaded by load-report.ts, rendered by render-report.ts). */
export interface ReportModel {
  run: {
    id: string;
    command: string;
    status: string;
    startedAt: string;
    endedAt?: string;
    seed?: number;
    epochs?: number;
    workers?: number;
  };
  model: { ref: string; digest?: string };
  dataset: { ref: string; digest?: string; records?: number; classNames: string[] };
  preprocessing?: Record<string, unknown>;
  versions: Record<string, string>;
  result: TrainingResult;
  models: ReportModelRow[];
  best: { id: string; confusion: number[][]; split: 'test' | 'val' };
  /** a `train --groups` run's per-group results */
  groups?: GroupResults;
}

export interface ReportModelRow {
  id: string;
  layer: string;
  label: string;
  status: string;
  trainLoss: number[];
  valLoss: number[];
  valAccuracy: number[];
  finalValue: number;
  testAccuracy: number | null;
}
