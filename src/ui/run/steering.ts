/**
 * Steering commands sent from this screen and what became of them. The trainer confirms a command
 * twice: an acknowledgement file in the run's control queue and a `train.control` event; either is
 * enough. Pure.
 */
import type { ControlAck, ControlCommand } from '../../store/run-store.js';
import type { ControlRecord } from '../run-state.js';

export interface SentCommand {
  id: string;
  command: ControlCommand;
  ack?: ControlAck;
}

export type SteerOutcome =
  | { state: 'pending' }
  | { state: 'applied'; epoch: number; created: readonly string[] }
  | { state: 'refused'; reason: string };

function settings(values: Record<string, number | string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** `stop m5`, `clone m5 lr=0.05`, `add block2/pool lr=0.1 l2=0.001`. */
export function describeCommand(command: ControlCommand): string {
  switch (command.op) {
    case 'stop':
    case 'resume':
      return `${command.op} ${command.model}`;
    case 'clone':
      return `clone ${command.model} ${settings(command.changes)}`;
    case 'add':
      return `add ${command.layer} ${settings(command.head)}`;
  }
}

export function steerOutcome(sent: SentCommand, controls: readonly ControlRecord[]): SteerOutcome {
  const record = controls.find((c) => c.id === sent.id);
  if (record !== undefined) {
    return record.applied
      ? { state: 'applied', epoch: record.epoch, created: record.created }
      : { state: 'refused', reason: record.reason ?? 'no reason given' };
  }
  const { ack } = sent;
  if (ack === undefined) return { state: 'pending' };
  return ack.applied
    ? { state: 'applied', epoch: ack.epoch ?? 0, created: ack.models ?? [] }
    : { state: 'refused', reason: ack.reason ?? 'no reason given' };
}

/** Commands still waiting for the trainer, whose acknowledgements are worth polling for. */
export function pendingIds(sent: readonly SentCommand[], controls: readonly ControlRecord[]): string[] {
  return sent.filter((s) => steerOutcome(s, controls).state === 'pending').map((s) => s.id);
}
