import type { z } from 'zod';
import {
  doctorSchema,
  exportHeadSchema,
  layersSchema,
  sweepFileSchemaSchema,
  sweepPlanSchema,
} from './documents.js';
import {
  clusterLocalLineSchema,
  clusterStatusSchema,
  clusterStoreListSchema,
  workerLineSchema,
} from './cluster.js';
import { errorSchema } from './error.js';
import { triageSchema } from './triage.js';
import {
  eventSchema,
  extractEndEventSchema,
  extractProgressEventSchema,
  extractStartEventSchema,
  logEventSchema,
  trainControlEventSchema,
  trainEndEventSchema,
  trainEpochEventSchema,
  trainStartEventSchema,
  trainUnitEventSchema,
} from './events.js';
import {
  extractResultSchema,
  predictResultSchema,
  sweepResultSchema,
  trainingResultSchema,
} from './results.js';
import { reportSchema, resultsCompareSchema, resultsListSchema, resultsRunSchema } from './runs.js';
import {
  storeExportSchema,
  storeGcSchema,
  storeInfoSchema,
  storeListSchema,
  storeVerifySchema,
} from './store.js';

export { errorSchema, eventSchema };

export const eventSchemas = {
  'event:extract.start': extractStartEventSchema,
  'event:extract.progress': extractProgressEventSchema,
  'event:extract.end': extractEndEventSchema,
  'event:train.start': trainStartEventSchema,
  'event:train.unit': trainUnitEventSchema,
  'event:train.epoch': trainEpochEventSchema,
  'event:train.control': trainControlEventSchema,
  'event:train.end': trainEndEventSchema,
  'event:log': logEventSchema,
} as const;

/** The last line of each long command. */
export const resultSchemas = {
  'demo.result': trainingResultSchema,
  'train.result': trainingResultSchema,
  'sweep.result': sweepResultSchema,
  'extract.result': extractResultSchema,
  'predict.result': predictResultSchema,
} as const;

/** The one document of each query command. */
export const documentSchemas = {
  layers: layersSchema,
  'store.ls': storeListSchema,
  'store.info': storeInfoSchema,
  'store.verify': storeVerifySchema,
  'store.export': storeExportSchema,
  'store.gc': storeGcSchema,
  'results.list': resultsListSchema,
  'results.run': resultsRunSchema,
  'results.compare': resultsCompareSchema,
  report: reportSchema,
  'export-head': exportHeadSchema,
  doctor: doctorSchema,
  'sweep.plan': sweepPlanSchema,
  'sweep.schema': sweepFileSchemaSchema,
  triage: triageSchema,
  'cluster.status': clusterStatusSchema,
  'store.ls.cluster': clusterStoreListSchema,
  'worker.line': workerLineSchema,
  'cluster.local.line': clusterLocalLineSchema,
} as const;

/**
 * What each command prints on stdout with `--json`: NDJSON events then a result line, or one
 * document. Failures print `errorSchema` on stderr instead (`ui` only ever fails under `--json`).
 */
export type CommandOutput =
  | { kind: 'events'; result: z.ZodType }
  | { kind: 'document'; document: z.ZodType }
  /** a long-lived process: one object per line, no result line */
  | { kind: 'lines'; line: z.ZodType }
  | { kind: 'error-only' };

const events = (result: z.ZodType): CommandOutput => ({ kind: 'events', result });
const document = (schema: z.ZodType): CommandOutput => ({ kind: 'document', document: schema });

export const commandOutputs: Record<string, CommandOutput> = {
  demo: events(trainingResultSchema),
  extract: events(extractResultSchema),
  train: events(trainingResultSchema),
  sweep: events(sweepResultSchema),
  predict: events(predictResultSchema),
  layers: document(layersSchema),
  'store ls': document(storeListSchema),
  'store info': document(storeInfoSchema),
  'store verify': document(storeVerifySchema),
  'store export': document(storeExportSchema),
  'store gc': document(storeGcSchema),
  results: document(resultsListSchema),
  'results RUN': document(resultsRunSchema),
  'results --compare RUN…': document(resultsCompareSchema),
  report: document(reportSchema),
  'export-head': document(exportHeadSchema),
  doctor: document(doctorSchema),
  'sweep plan': document(sweepPlanSchema),
  'sweep --schema': document(sweepFileSchemaSchema),
  triage: document(triageSchema),
  ui: { kind: 'error-only' },
  worker: { kind: 'lines', line: workerLineSchema },
  'cluster status': document(clusterStatusSchema),
  'store ls --cluster': document(clusterStoreListSchema),
  'cluster local': { kind: 'lines', line: clusterLocalLineSchema },
};
