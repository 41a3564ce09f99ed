import type { Backbone, PreprocessSpec } from '../backbone/backbone.js';
import type { CapturePoint, Pooling } from '../backbone/capture-point.js';
import { openStage, type OnnxParts, type StageOutput } from './onnx-stage.js';
import type { Pass, PassSession } from './pass-runner.js';
import type { ExtractionPlan } from './plan.js';
import type { WantedSet } from './wanted-sets.js';

/** A pass and what it finishes: the sets to mark complete after it, the boundaries it frees. */
export interface PassStep {
  pass: Pass;
  complete: WantedSet[];
  /** temporary boundaries no later stage reads once this pass is done */
  remove: WantedSet[];
}

export interface PassBuildContext {
  backbone: Backbone;
  parts: OnnxParts | undefined;
  pooling: Pooling;
  preprocess: PreprocessSpec;
  threads: number;
  /** the raw float32 set of a point: a staged boundary (existing, or temporary when not asked for) */
  boundaryOf(point: CapturePoint): WantedSet;
  /** a complete stored boundary the first stage starts from instead of the records */
  anchor?: WantedSet;
}

const outputsOf = (sets: readonly WantedSet[]) =>
  sets.map((s) => ({ key: s.key, dims: s.dims, dtype: s.dtype, layer: s.layer }));

function captureSession(context: PassBuildContext, sets: readonly WantedSet[]): () => Promise<PassSession> {
  return async () => {
    const session = await context.backbone.openCapture(
      sets.map((s) => s.point),
      context.pooling,
      { threads: context.threads, preprocess: context.preprocess },
    );
    return {
      run: (input) => {
        if (input.kind !== 'records') throw new Error('a one-pass capture reads records');
        return session.run(input.records);
      },
      release: () => session.release(),
    };
  };
}

function stageSession(
  context: PassBuildContext,
  from: CapturePoint | undefined,
  outputs: StageOutput[],
): () => Promise<PassSession> {
  return () => {
    if (!context.parts || context.preprocess.kind !== 'image')
      throw new Error('staged and lazy plans need an ONNX image backbone');
    return openStage(context.parts, from, outputs, {
      threads: context.threads,
      preprocess: context.preprocess,
    });
  };
}

/**
 * Turns a plan into passes over the sets still to compute (graph order). One pass: one capture of
 * every set. Lazy: one pass per set, each through the model cut at that point. Staged (Vista): one
 * pass per stage; a stage after the first reads the previous stage's stored raw boundary, which is
 * written as its own float32 set (temporary unless asked for) and removed once the next stage is done.
 */
export function buildPasses(
  plan: ExtractionPlan,
  sets: readonly WantedSet[],
  context: PassBuildContext,
): PassStep[] {
  if (plan.mode === 'one-pass')
    return [
      {
        pass: { source: 'records', outputs: outputsOf(sets), open: captureSession(context, sets) },
        complete: [...sets],
        remove: [],
      },
    ];
  if (plan.mode === 'lazy')
    return sets.map((set) => ({
      pass: {
        source: 'records',
        outputs: outputsOf([set]),
        open: context.parts
          ? stageSession(context, undefined, [{ point: set.point, pooling: set.pooling }])
          : captureSession(context, [set]),
      },
      complete: [set],
      remove: [],
    }));
  const byLayer = new Map(sets.map((s) => [s.layer, s]));
  const steps: PassStep[] = [];
  let previous: WantedSet | undefined = context.anchor;
  plan.stages.forEach((stage, k) => {
    const stageSets = stage.points.map((name) => byLayer.get(name)!);
    const last = stageSets.at(-1)!;
    const boundary = k < plan.stages.length - 1 ? context.boundaryOf(last.point) : undefined;
    const produced =
      boundary && !stageSets.some((s) => s.key === boundary.key) ? [...stageSets, boundary] : stageSets;
    steps.push({
      pass: {
        source: previous ? { boundary: previous.key } : 'records',
        outputs: outputsOf(produced),
        open: stageSession(
          context,
          previous?.point,
          produced.map((s) => ({ point: s.point, pooling: s.pooling })),
        ),
      },
      complete: produced,
      remove: previous?.temporary ? [previous] : [],
    });
    previous = boundary;
  });
  return steps;
}
