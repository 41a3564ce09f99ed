import type { Command } from 'commander';
import { resolveHome } from '../../core/paths.js';
import { LayerlabError } from '../../core/errors.js';
import type { GlobalOptions } from '../main.js';
import type { Check } from '../doctor/checks.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check the installation: versions, ONNX Runtime providers, TF.js bindings, the home folder')
    .addHelpText(
      'after',
      `
Exits 0 when everything works; otherwise prints each problem with its fix and exits 78.

Examples:
  layerlab doctor
  layerlab --home /mnt/fast/layerlab doctor --json`,
    )
    .action(async (_options: unknown, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const home = resolveHome(globals.home);
      // the checks load ONNX Runtime and lmdb: only when the command runs (start-up time)
      const { checkBuiltinModel, checkHome, checkNode, checkOnnxRuntime, checkTfjsBindings, versions } =
        await import('../doctor/checks.js');
      const checks: Check[] = [
        checkNode(),
        await checkOnnxRuntime(),
        checkTfjsBindings(),
        checkBuiltinModel(),
        ...checkHome(home),
      ];
      const failed = checks.filter((c) => !c.ok);
      if (globals.json) {
        process.stdout.write(
          `${JSON.stringify({ ok: failed.length === 0, versions: versions(), home, checks })}\n`,
        );
      } else {
        const width = Math.max(
          ...Object.keys(versions()).map((k) => k.length),
          ...checks.map((c) => c.name.length),
        );
        const lines = Object.entries(versions()).map(
          ([name, version]) => `  ${name.padEnd(width)}  ${version}`,
        );
        lines.push(
          '',
          ...checks.map(
            (c) =>
              `${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(width)}  ${c.detail}${c.fix ? `\n       fix: ${c.fix}` : ''}`,
          ),
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      if (failed.length > 0) {
        throw new LayerlabError(
          'CONFIG',
          `${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}; see the fixes above`,
        );
      }
    });
}
