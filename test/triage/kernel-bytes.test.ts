import { describe, expect, it } from 'vitest';
import { gramModule } from '../../src/triage/gram-kernel.js';
import { kernelBytes } from '../../src/triage/kernel-bytes.js';
import { passModule } from '../../src/triage/pass-kernel.js';
import { projectModule } from '../../src/triage/project-kernel.js';

describe('the triage kernels compiled at run time', () => {
  it.each([
    ['gram', gramModule],
    ['project', projectModule],
    ['pass', passModule],
  ] as const)(
    '%s: the stored bytes are the module its code encodes (else run `npm run kernels`)',
    (name, encode) => {
      expect(Buffer.from(kernelBytes(name)).toString('base64')).toBe(
        Buffer.from(encode()).toString('base64'),
      );
    },
  );
});
