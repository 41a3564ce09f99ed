import type { Backbone } from '../backbone/backbone.js';
import type { Pooling } from '../backbone/capture-point.js';
import { loadBackbone } from '../backbone/load-backbone.js';
import type { OnnxModelFile } from '../backbone/onnx-model-file.js';
import { addPooling } from '../backbone/pooling-graph.js';
import { cutModel } from '../backbone/submodel-cut.js';
import { configError, usageError } from '../core/errors.js';
import { appendToGraph, GraphBuilder } from '../core/onnx/index.js';
import type { HeadBundle } from './head-bundle.js';
import { addHeadInference } from './head-inference-graph.js';
import { addGroupedHeadInference } from './grouped-head-graph.js';
import type { GroupedHeads } from './grouped-heads.js';

export const SCORES_OUTPUT = 'scores';
/** `export-head --groups`: the second input, each record's group id (int64 [N]) */
export const GROUP_ID_INPUT = 'group_id';

export interface ExportedHead {
  bytes: Uint8Array;
  inputs: string[];
  output: typeof SCORES_OUTPUT;
}

/** The backbone a head was trained on, checked to be the same model bytes its store was built from. */
export async function backboneOf(bundle: HeadBundle, home?: string): Promise<Backbone> {
  const backbone = await loadBackbone(bundle.store.model.ref, home ? { home } : {});
  if (backbone.digest !== bundle.store.model.digest) {
    throw configError(
      `${bundle.store.model.ref} changed since the store ${bundle.storeDir} was built from it; the head only fits the original model`,
    );
  }
  return backbone;
}

/**
 * One deployable ONNX model: the backbone cut at the head's layer (nodes after it are dropped), the
 * layer's pooling, the train-split standardization and the trained head, with the backbone's inputs
 * and one output, the class scores. Built from the original bytes (kept nodes copied verbatim), so the
 * layer computes exactly what it computed during extraction. With `groups` (a `train --groups` run's
 * per-group copies of the head) the model takes a second input, `group_id` (int64 [N]), and scores
 * each record with its group's copy: id g is `groups.groups[g]`, and any id outside 0…G−1 (use −1
 * for a record without a group or of a group not trained) gets the shared head.
 */
export async function exportHead(bundle: HeadBundle, groups?: GroupedHeads): Promise<ExportedHead> {
  const backbone = await backboneOf(bundle);
  const file = (backbone as Backbone & { file?: OnnxModelFile }).file;
  if (!file)
    throw usageError(
      `export-head needs an ONNX or transformers.js backbone; ${backbone.ref} is a ${backbone.format} model`,
    );
  if (file.externalFiles.length > 0) {
    throw usageError(
      `${backbone.ref} keeps its weights in external data files; export-head writes single-file models only`,
    );
  }
  const point = backbone.points.find((p) => p.name === bundle.featureSet.point);
  if (!point)
    throw configError(
      `${backbone.ref} has no capture point ${bundle.featureSet.point}; derived views cannot be exported`,
    );
  const g = new GraphBuilder('layerlab_head', 'layerlab/');
  const attentionMask = backbone.inputs.some((i) => i.name === 'attention_mask')
    ? 'attention_mask'
    : undefined;
  const pooled = addPooling(g, point, bundle.featureSet.pooling as Pooling, {
    opset: file.opset,
    ...(attentionMask ? { attentionMask } : {}),
  });
  if (groups && backbone.inputs.some((i) => i.name === GROUP_ID_INPUT))
    throw usageError(`${backbone.ref} already has an input named ${GROUP_ID_INPUT}; export without --groups`);
  const groupId = groups ? g.input(GROUP_ID_INPUT, 'int64', ['N']) : undefined;
  const scores =
    groups && groupId
      ? addGroupedHeadInference(g, pooled, groupId, bundle, groups)
      : addHeadInference(g, pooled, bundle);
  g.op('Identity', [scores], undefined, SCORES_OUTPUT);
  g.output(SCORES_OUTPUT, 'float32', ['N', bundle.classes]);
  const graph = g.build();
  const appended = appendToGraph(file.bytes, {
    nodes: graph.nodes,
    initializers: graph.initializers,
    ...(groupId ? { inputs: graph.inputs } : {}),
  });
  const bytes = cutModel(appended, undefined, [SCORES_OUTPUT]);
  return {
    bytes,
    inputs: [...backbone.inputs.map((i) => i.name), ...(groupId ? [GROUP_ID_INPUT] : [])],
    output: SCORES_OUTPUT,
  };
}
