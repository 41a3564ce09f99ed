/**
 * The clone and add forms: a model's head settings as editable fields, turned into a steering
 * command on Enter. The trainer validates ranges and says why it refuses a command; the form only
 * checks that numbers are numbers. Pure.
 */
import type { ControlCommand } from '../../store/run-store.js';
import type { HeadConfigView } from '../backend.js';
import type { TextEdit } from '../keys.js';

export type FieldKind = 'number' | 'choice' | 'text';

export interface FormField {
  /** the setting's name in a control command */
  name: string;
  kind: FieldKind;
  value: string;
  /** what the field started with: a clone sends only the fields that differ */
  original: string;
  choices?: readonly string[];
}

export interface SteerForm {
  op: 'clone' | 'add';
  /** the model a clone starts from */
  model?: string;
  /** what the form is about, e.g. `clone m5 (block2/pool lr=0.1 l2=1e-4)` */
  title: string;
  fields: FormField[];
  focus: number;
  error?: string;
}

const choices: Record<string, readonly string[]> = {
  type: ['linear', 'mlp'],
  optimizer: ['sgd', 'adam'],
  schedule: ['constant', 'cosine'],
  classWeight: ['none', 'balanced'],
};

/** Settings a clone may change: everything but the architecture, which its warm start needs. */
const cloneSettings = [
  'lr',
  'l2',
  'momentum',
  'batchSize',
  'optimizer',
  'dropout',
  'schedule',
  'classWeight',
];
const addSettings = ['type', 'hidden', ...cloneSettings];

/** Config keys as results record them, renamed to the names control commands use. */
const aliases: Record<string, string> = { lrSchedule: 'schedule' };

function settingsOf(config: HeadConfigView): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) out[aliases[key] ?? key] = String(value);
  return out;
}

function field(name: string, value: string): FormField {
  const options = choices[name];
  if (options !== undefined) return { name, kind: 'choice', value, original: value, choices: options };
  return { name, kind: name === 'hidden' ? 'text' : 'number', value, original: value };
}

/** Clone `model` with changed hyper-parameters; it starts from the model's weights. */
export function cloneForm(model: string, label: string, config: HeadConfigView): SteerForm {
  const settings = settingsOf(config);
  const isMlp = settings.type === 'mlp';
  const fields = cloneSettings
    .filter((name) => settings[name] !== undefined && (isMlp || name !== 'dropout'))
    .map((name) => field(name, settings[name]!));
  return { op: 'clone', model, title: `clone ${model} (${label})`, fields, focus: 0 };
}

/** A new configuration on one of the run's layers, starting from the settings of `config`. */
export function addForm(layers: readonly string[], layer: string, config: HeadConfigView): SteerForm {
  const settings: Record<string, string> = {
    type: 'linear',
    hidden: '128',
    dropout: '0',
    ...settingsOf(config),
  };
  const fields = [
    { name: 'layer', kind: 'choice' as const, value: layer, original: layer, choices: layers },
    ...addSettings.filter((name) => settings[name] !== undefined).map((name) => field(name, settings[name]!)),
  ];
  return { op: 'add', title: `add a config on a layer`, fields, focus: 0 };
}

/** Fields that apply: an mlp's hidden widths and dropout only for mlp heads. */
export function visibleFields(form: SteerForm): FormField[] {
  const type = form.fields.find((f) => f.name === 'type')?.value;
  return form.fields.filter(
    (f) => type === undefined || type === 'mlp' || (f.name !== 'hidden' && f.name !== 'dropout'),
  );
}

function cycle(options: readonly string[], value: string, step: number): string {
  const at = options.indexOf(value);
  return options[(at + step + options.length) % options.length] ?? value;
}

export function reduceSteerForm(form: SteerForm, edit: TextEdit): SteerForm {
  const fields = visibleFields(form);
  const focus = Math.min(form.focus, fields.length - 1);
  const current = fields[focus];
  const update = (value: string): SteerForm => ({
    ...form,
    error: undefined,
    fields: form.fields.map((f) => (f === current ? { ...f, value } : f)),
  });
  switch (edit.kind) {
    case 'next':
      return { ...form, focus: (focus + 1) % fields.length };
    case 'previous':
      return { ...form, focus: (focus - 1 + fields.length) % fields.length };
    case 'left':
    case 'right':
      return current?.choices === undefined
        ? form
        : update(cycle(current.choices, current.value, edit.kind === 'left' ? -1 : 1));
    case 'insert':
      return current === undefined || current.kind === 'choice' ? form : update(current.value + edit.text);
    case 'delete':
      return current === undefined || current.kind === 'choice' ? form : update(current.value.slice(0, -1));
    default:
      return form;
  }
}

export function withError(form: SteerForm, error: string): SteerForm {
  return { ...form, error };
}

function parsed(f: FormField): number | string | { error: string } {
  const text = f.value.trim();
  if (f.kind !== 'number') return text;
  const n = Number(text);
  return text === '' || !Number.isFinite(n) ? { error: `${f.name}: "${f.value}" is not a number` } : n;
}

/** The command the form describes, or what is wrong with it. */
export function formCommand(form: SteerForm): { command: ControlCommand } | { error: string } {
  const values: Record<string, number | string> = {};
  for (const f of visibleFields(form)) {
    if (form.op === 'clone' && f.value.trim() === f.original.trim()) continue;
    const value = parsed(f);
    if (typeof value === 'object') return value;
    values[f.name] = value;
  }
  if (form.op === 'clone') {
    if (Object.keys(values).length === 0) return { error: 'change at least one setting to clone' };
    return { command: { op: 'clone', model: form.model ?? '', changes: values } };
  }
  const { layer, ...head } = values;
  return { command: { op: 'add', layer: String(layer), head } };
}
