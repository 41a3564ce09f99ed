import { useEffect, useState } from 'react';
import type { ControlCommand } from '../../store/run-store.js';
import type { RunFiles } from '../backend.js';
import type { ControlRecord } from '../run-state.js';
import { pendingIds, type SentCommand } from './steering.js';

/** How often acknowledgements are looked for while a command waits. */
const ACK_POLL_MS = 500;

export interface Steering {
  /** commands can be sent from here */
  available: boolean;
  sent: readonly SentCommand[];
  /** the latest message for the user (a refusal, a hint) */
  notice?: string;
  send(command: ControlCommand): void;
  say(message: string): void;
  /** why a command cannot be sent now, if it cannot */
  refusal(running: boolean): string | undefined;
}

/**
 * Sends steering commands to a run's control queue and watches for the trainer's answer: its
 * acknowledgement file, or its `train.control` event in `controls`.
 */
export function useSteering(
  runId: string | undefined,
  files: RunFiles | undefined,
  controls: readonly ControlRecord[],
): Steering {
  const [sent, setSent] = useState<SentCommand[]>([]);
  const [notice, setNotice] = useState<string>();
  const waiting = pendingIds(sent, controls).join(',');

  useEffect(() => {
    if (waiting === '' || files === undefined || runId === undefined) return;
    const ids = waiting.split(',');
    const timer = setInterval(() => {
      const acks = ids.map((id) => files.acknowledgement(runId, id));
      if (acks.every((ack) => ack === undefined)) return;
      setSent((all) => all.map((s) => ({ ...s, ack: s.ack ?? acks[ids.indexOf(s.id)] })));
    }, ACK_POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, files, runId]);

  const available = files !== undefined && runId !== undefined;
  return {
    available,
    sent,
    notice,
    send: (command) => {
      if (!available) return;
      try {
        const id = files.steer(runId, command);
        setSent((all) => [...all, { id, command }]);
        setNotice(undefined);
      } catch (error) {
        setNotice(`could not send: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    say: setNotice,
    refusal: (running) => {
      if (!running) return 'the run has ended: steering applies to running runs';
      if (!available) return 'this view cannot steer the run: use `layerlab ui RUN` in another terminal';
      return undefined;
    },
  };
}
