import type { Command } from 'commander';
import type { CapturePoint } from '../../backbone/capture-point.js';
import { resolveHome } from '../../core/paths.js';
import type { GlobalOptions } from '../main.js';

interface LayersOptions {
  all?: boolean;
  layers?: string;
  allowRemote?: boolean;
}

/** The `layers` JSON contract (DESIGN.md, "Machine contract"): exactly these fields per point. */
function contract(model: string, points: readonly CapturePoint[]) {
  return {
    model,
    points: points.map(({ name, op, block, shape, size, pooledSize }) => ({
      name,
      op,
      block,
      shape,
      size,
      pooledSize,
    })),
  };
}

function table(points: readonly CapturePoint[]): string {
  const header = ['name', 'op', 'block', 'shape', 'size', 'pooled'];
  const rows = points.map((p) => [
    p.name,
    p.op,
    p.block,
    `[${p.shape.join(', ')}]`,
    String(p.size),
    String(p.pooledSize),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description('list the capture points of a model: one per block, or every float tensor with --all')
    .argument('<model>', 'an .onnx file, a transformers.js folder, a TF.js model.json or builtin:NAME')
    .option('--all', 'every float tensor, not one per block')
    .option(
      '--layers <selectors>',
      'show only what these selectors pick (names, block names, globs, blocks, last:K, every:K, -1)',
    )
    .option(
      '--allow-remote',
      'let transformers.js download a Hugging Face model id that is not a local folder',
    )
    .addHelpText(
      'after',
      `
Shapes show the batch axis as N and token axes as T; size is values per record (token sequences at
the model's max length), pooled the values per record after the default pooling (mean).

Examples:
  layerlab layers builtin:shapes-cnn
  layerlab layers builtin:tiny-bert --layers last:2
  layerlab layers resnet18.onnx --layers layer2.1,107   # a block name; a tensor named 107 (not index 107)
  layerlab layers model.onnx --all --json
  layerlab layers ./my-bert-folder            # config.json + onnx/model.onnx + tokenizer.json
  layerlab layers ./my-bert-folder/onnx/model_quantized.onnx
  layerlab layers ./tfjs-model/model.json`,
    )
    .action(async (model: string, options: LayersOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const [{ loadBackbone }, { blockOutputs, selectLayers }] = await Promise.all([
        import('../../backbone/load-backbone.js'),
        import('../../backbone/select-layers.js'),
      ]);
      const backbone = await loadBackbone(model, {
        allowRemote: options.allowRemote === true,
        home: resolveHome(globals.home),
      });
      const points = options.layers
        ? selectLayers(backbone.points, options.layers.split(','), backbone.excludedTensors, (note) => {
            // stderr: under --json stdout carries the one JSON document only
            if (!globals.json) process.stderr.write(`layerlab: ${note}\n`);
          })
        : options.all
          ? backbone.points
          : blockOutputs(backbone.points);
      if (globals.json) {
        process.stdout.write(`${JSON.stringify(contract(model, points))}\n`);
        return;
      }
      process.stdout.write(`${table(points)}\n`);
      if (!options.all && !options.layers) {
        const blocks = new Set(backbone.points.map((p) => p.block)).size;
        process.stdout.write(
          `(${backbone.format} ${backbone.modality} model: ${points.length} block outputs of ${blocks} blocks, ${backbone.points.length} capture points in all; --all lists them)\n`,
        );
      }
    });
}
