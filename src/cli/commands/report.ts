import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { homeLayout, resolveHome } from '../../core/paths.js';
import { LayerlabError } from '../../core/errors.js';
import type { GlobalOptions } from '../main.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write a self-contained HTML report of a finished run')
    .argument('<run>', 'a run id (see `layerlab results`) or a run folder')
    .option('--out <file>', 'where to write the report', 'report.html')
    .addHelpText(
      'after',
      `
The report needs no network to view: the layer-wise chart, the results table, learning curves of the
best heads, the confusion matrix of the best and the provenance (backbone and dataset digests,
preprocessing, library versions, seed) are all inline.

Examples:
  layerlab report run-20261121-093512-1a2b --out report.html
  layerlab report ~/.cache/layerlab/runs/run-20261121-093512-1a2b --json`,
    )
    .action(async (runRef: string, options: { out: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const [{ loadReportModel, resolveRunDir }, { renderReportHtml }] = await Promise.all([
        import('../../report/load-report.js'),
        import('../../report/render-report.js'),
      ]);
      const runDir = resolveRunDir(homeLayout(resolveHome(globals.home)).runs, runRef);
      const html = renderReportHtml(loadReportModel(runDir));
      const out = resolve(options.out);
      try {
        mkdirSync(dirname(out), { recursive: true });
        const tmp = `${out}.${process.pid}.tmp`;
        writeFileSync(tmp, html);
        renameSync(tmp, out); // never a half-written report
      } catch (error) {
        throw new LayerlabError(
          'IO',
          `cannot write ${out} (${(error as NodeJS.ErrnoException).code ?? 'error'}); pass --out with a writable path`,
        );
      }
      if (globals.json)
        process.stdout.write(`${JSON.stringify({ run: runRef, out, bytes: Buffer.byteLength(html) })}\n`);
      else process.stdout.write(`${out}\n`);
    });
}
