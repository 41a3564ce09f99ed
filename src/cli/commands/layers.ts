import type { Command } from 'commander';
import { loadBackbone } from '../../backbone/load-backbone.js';
import { blockOutputs } from '../../backbone/select-layers.js';
import type { GlobalOptions } from '../main.js';

export function registerLayers(program: Command): void {
  program
    .command('layers')
    .description('list the capture points of a model (one per block unless --all)')
    .argument('<model>', 'an .onnx file or builtin:NAME')
    .option('--all', 'every float tensor, not one per block')
    .addHelpText(
      'after',
      `
Examples:
  layerlab layers builtin:shapes-cnn
  layerlab layers model.onnx --all --json`,
    )
    .action(async (model: string, options: { all?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const backbone = await loadBackbone(model);
      const points = options.all ? backbone.points : blockOutputs(backbone.points);
      if (globals.json) {
        process.stdout.write(
          `${JSON.stringify({ model, points: points.map(({ name, op, block, shape, size, pooledSize }) => ({ name, op, block, shape, size, pooledSize })) })}\n`,
        );
        return;
      }
      const rows = points.map((p) => [
        p.name,
        p.op,
        p.block,
        `[${p.shape.join(', ')}]`,
        String(p.size),
        String(p.pooledSize),
      ]);
      const header = ['name', 'op', 'block', 'shape', 'size', 'pooled'];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
      process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
      if (!options.all)
        process.stdout.write(`(${backbone.points.length} capture points in all; --all lists them)\n`);
    });
}
