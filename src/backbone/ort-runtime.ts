import * as ort from 'onnxruntime-node';

/*
 * ONNX Runtime's Linux build carries Microsoft's 1DS telemetry client (cpp_client_telemetry, `PAL`).
 * When the first session creates the process-wide OrtEnv it opens `$TMPDIR/mat-debug-<pid>.log` (its
 * trace log, left empty) and `$TMPDIR/.ses` (its session id), and never removes them: one file per
 * process in the temporary folder. ORT skips the client when ORT_DISABLE_TELEMETRY is set
 * (core/platform/posix/telemetry.cc). It is read when the OrtEnv is made, so setting it here, before
 * any session exists, is enough; worker threads share the process's environment. A user who sets the
 * variable (to 0, to keep telemetry) keeps their value.
 */
if (!process.env.ORT_DISABLE_TELEMETRY) process.env.ORT_DISABLE_TELEMETRY = '1';

/** onnxruntime-node, with its telemetry files switched off: import ORT from here, never directly. */
export { ort };
