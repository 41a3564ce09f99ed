import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Native addons (onnxruntime-node, lmdb) are safest in forked processes, one per file.
    pool: 'forks',
    // one private TMPDIR for the run, removed at its end (test/support/private-tmpdir.ts)
    globalSetup: ['test/support/private-tmpdir.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // ONNX Runtime's telemetry leaves a mat-debug-<pid>.log per process in /tmp (src/backbone/ort-runtime.ts)
    env: { ORT_DISABLE_TELEMETRY: '1' },
  },
});
