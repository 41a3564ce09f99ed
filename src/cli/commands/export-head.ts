import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { LayerlabError, usageError } from '../../core/errors.js';
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
    .option(
      '--groups',
      "a `train --groups` run: one model with a second input, group_id (int64 [N]), applying that group's copy of the head",
    )
    .addHelpText(
      'after',
      `
The model takes the backbone's own input (preprocessed as during extraction: see the store's
manifest) and has one output, "scores": the class scores of the head, [N, classes]. It runs on any
ONNX Runtime, without layerlab.

With --groups (a run trained with --groups) the model takes a second input, "group_id" (int64 [N]),
and scores each record with the head's copy trained on that group: id g is the g-th of the groups
listed in the output (--json: "groups"), in results.json order; any other id (use -1 for a record
without a group, or of a group the run did not train) gets the shared head.

Examples:
  layerlab export-head --run run-20261121-093512-1a2b --out model.onnx
  layerlab export-head --run RUN --head m7 --out m7.onnx --json
  layerlab export-head --run RUN --groups --out by-group.onnx`,
    )
    .action(
      async (flags: { run: string; head?: string; out: string; groups?: boolean }, command: Command) => {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const [{ exportHead }, { loadHeadBundle }, { resolveRunDir }, { loadGroupedHeads }] =
          await Promise.all([
            import('../../deploy/export-head.js'),
            import('../../deploy/head-bundle.js'),
            import('../../report/load-report.js'),
            import('../../deploy/grouped-heads.js'),
          ]);
        const runDir = resolveRunDir(homeLayout(resolveHome(globals.home)).runs, flags.run);
        const bundle = loadHeadBundle(runDir, flags.head);
        const groups = flags.groups ? loadGroupedHeads(runDir, bundle) : undefined;
        if (flags.groups && !groups)
          throw usageError(
            `run ${bundle.run} has no per-group copies of ${bundle.modelId} (train it with --groups; ridge heads are not trained per group); export without --groups`,
          );
        const exported = await exportHead(bundle, groups);
        const out = resolve(flags.out);
        try {
          mkdirSync(dirname(out), { recursive: true });
          writeFileAtomic(out, exported.bytes);
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
          ...(groups ? { groups: groups.groups } : {}),
        };
        if (globals.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
        else
          process.stdout.write(
            `${out}: ${bundle.modelId} on ${bundle.featureSet.layer}, inputs ${exported.inputs.join(', ')} → scores [N, ${bundle.classes}]${
              groups
                ? `; group_id ${groups.groups.map((name, g) => `${g}=${name}`).join(', ')}, any other id: the shared head`
                : ''
            }\n`,
          );
      },
    );
}
