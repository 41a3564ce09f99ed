import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { gramModule } from '../src/triage/gram-kernel.js';
import { passModule } from '../src/triage/pass-kernel.js';
import { projectModule } from '../src/triage/project-kernel.js';

/**
 * `npm run kernels`: encodes the triage kernels from their code (the `wasm-encoding.ts` builders in
 * gram-kernel.ts, project-kernel.ts and pass-kernel.ts) and writes the bytes to
 * src/triage/kernel-bytes.ts, which the kernels compile at run time. Encoding them there cost 10–15
 * ms of a triage call, most of it JavaScript that V8 had not optimized yet;
 * test/triage/kernel-bytes.test.ts fails when the bytes and the code differ.
 */
const kernelModules = { gram: gramModule, project: projectModule, pass: passModule };

const file = join(packageRoot(), 'src', 'triage', 'kernel-bytes.ts');
const entries = Object.entries(kernelModules).map(
  ([name, encode]) => `  ${name}:\n    '${Buffer.from(encode()).toString('base64')}',`,
);
writeFileSync(
  file,
  `/**
 * The triage kernels as WebAssembly modules (base64), written by \`npm run kernels\`
 * (scripts/write-kernels.ts) from the code in gram-kernel.ts, project-kernel.ts and pass-kernel.ts;
 * test/triage/kernel-bytes.test.ts checks that they match it. Do not edit by hand.
 */
const MODULES = {
${entries.join('\n')}
} as const;

/** A kernel module's bytes, decoded per call (a kernel compiles on first use, again after \`releaseKernels\`). */
export const kernelBytes = (name: keyof typeof MODULES): Uint8Array =>
  Uint8Array.from(Buffer.from(MODULES[name], 'base64'));
`,
);
console.log(`wrote ${file}`);
