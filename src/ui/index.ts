/**
 * The UI's headless half: state, formatting and plain output, none of which loads Ink or React.
 * The live view is deliberately not re-exported: load it with `await import('../ui/live-view.js')`
 * only when the terminal is interactive.
 */
export type {
  RunAction,
  RunFailedAction,
  RunFinishedAction,
  RunInterruptedAction,
  RunSampleAction,
} from './run-action.js';
export type {
  ControlRecord,
  EpochPoint,
  ExtractionState,
  LogLine,
  ModelState,
  ModelStatus,
  RunHeader,
  RunPhase,
  RunState,
  StageStatus,
  TrainingState,
  WorkerActivity,
} from './run-state.js';
export { initialRunState, isOver, reduceRunState } from './run-state.js';
export type {
  CheckpointView,
  EpochVisits,
  FeatureSetView,
  GroupVisit,
  HeadConfigView,
  OutcomeModel,
  RunDetail,
  RunFiles,
  RunFollower,
  RunListing,
  RunOutcome,
  StoreDetail,
  StoreSummary,
  UiBackend,
} from './backend.js';
export type { LayerRow, LayerSummary } from './layer-summary.js';
export { summarizeLayers } from './layer-summary.js';
export type { PlainPrinterOptions } from './plain-output.js';
export { createPlainPrinter, formatLayerTable } from './plain-output.js';
export type { LiveView, LiveViewOptions } from './live-view.js';
export type { BrowseOptions } from './browse.js';
