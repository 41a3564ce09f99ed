import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { LayerlabError } from '../../core/errors.js';
import type { GlobalOptions } from '../main.js';

export function registerExportHead(program: Command): void {
  program
    .command('export-head')
    .description(
      "write one ONNX model: the backbone cut at the head's layer + its pooling + the trained head",
    )
    .requiredOption('--run <run>', 'a finished run (id or folder)')
    .option('--head <id>', "a model id of the run; default: the run's best")
    .option('--out <file>', 'the .onnx file to write', 'head.onnx')
    .addHelpText(
      'after',
      `
The model takes the backbone's own input (preprocessed as during extraction: see the store's
manifest) and has one output, "scores": the class scores of the head, [N, classes]. It runs on any
ONNX Runtime, without layerlab.

Examples:
  layerlab export-head --run run-20261121-093512-1a2b --out model.onnx
  layerlab export-head --run RUN --head m7 --out m7.onnx --json`,
    )
    .action(async (flags: { run: string; head?: string; out: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const [{ exportHead }, { loadHeadBundle }, { resolveRunDir }] = await Promise.all([
        import('../../deploy/export-head.js'),
        import('../../deploy/head-bundle.js'),
        import('../../report/load-report.js'),
      ]);
      const bundle = loadHeadBundle(
        resolveRunDir(homeLayout(resolveHome(globals.home)).runs, flags.run),
        flags.head,
      );
      const exported = await exportHead(bundle);
      const out = resolve(flags.out);
      try {
        mkdirSync(dirname(out), { recursive: true });
        const tmp = `${out}.${process.pid}.tmp`;
        writeFileSync(tmp, exported.bytes);
        renameSync(tmp, out);
      } catch (error) {
        throw new LayerlabError(
          'IO',
          `cannot write ${out} (${(error as NodeJS.ErrnoException).code ?? 'error'}); pass --out with a writable path`,
        );
      }
      const summary = {
        run: bundle.run,
        head: bundle.modelId,
        layer: bundle.featureSet.layer,
        out,
        inputs: exported.inputs,
        output: exported.output,
        classes: bundle.classNames,
        preprocessing: bundle.store.preprocessing,
        bytes: exported.bytes.length,
      };
      if (globals.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        process.stdout.write(
          `${out}: ${bundle.modelId} on ${bundle.featureSet.layer}, inputs ${exported.inputs.join(', ')} → scores [N, ${bundle.classes}]\n`,
        );
    });
}
