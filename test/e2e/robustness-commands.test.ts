import { failureCatalogue, type FailureCase } from './fixtures/failure-catalogue.js';

/** Bad flags and sweep values, and references to things that do not exist, across the commands. */
const cases: FailureCase[] = [
  {
    name: 'train: zero epochs',
    args: (w) => ['train', '--store', w.store, '--epochs', '0'],
    exit: 2,
    fix: /--epochs must be an integer ≥ 1/,
  },
  {
    name: 'train: zero workers',
    args: (w) => ['train', '--store', w.store, '--workers', '0'],
    exit: 2,
    fix: /--workers must be an integer ≥ 1/,
  },
  {
    name: 'train: a negative learning rate in the heads file',
    args: (w) => ['train', '--store', w.store, '--heads', w.bad.heads.negativeLr],
    exit: 78,
    fix: /lr must be a positive number, got -0\.1/,
  },
  {
    name: 'train: a learning rate that is not a number',
    args: (w) => ['train', '--store', w.store, '--heads', w.bad.heads.textLr],
    exit: 78,
    fix: /lr: expected a number, got "fast"/,
  },
  {
    name: 'train: an unknown key in the heads file',
    args: (w) => ['train', '--store', w.store, '--heads', w.bad.heads.unknownKey],
    exit: 78,
    fix: /learning_rate/,
  },
  {
    name: 'train: a heads file that is not valid YAML',
    args: (w) => ['train', '--store', w.store, '--heads', w.bad.heads.invalidYaml],
    exit: 78,
    fix: /is not valid YAML\/JSON: .*; fix it there$/,
  },
  {
    name: 'train: a zero batch size in the heads file',
    args: (w) => ['train', '--store', w.store, '--heads', w.bad.heads.zeroBatch],
    exit: 78,
    fix: /batchSize must be a positive integer, got 0/,
  },
  {
    name: 'train: the heads file is missing',
    args: (w) => ['train', '--store', w.store, '--heads', `${w.root}/no-such-heads.yaml`],
    exit: 66,
    fix: /heads file .* not found/,
  },
  {
    name: 'train: random search asking for zero samples',
    args: (w) => ['train', '--store', w.store, '--search', 'random', '--samples', '0'],
    exit: 2,
    fix: /--samples must be an integer ≥ 1/,
  },
  {
    name: 'train: halving with η below 2',
    args: (w) => ['train', '--store', w.store, '--halving', '1'],
    exit: 2,
    fix: /--halving must be an integer ≥ 2/,
  },
  {
    name: 'train: no store given',
    args: () => ['train'],
    exit: 2,
    fix: /train needs --store DIR, or --resume RUN/,
  },
  {
    name: 'train: a folder that is not a store',
    args: (w) => ['train', '--store', w.bad.data.emptyFolder],
    exit: 66,
    fix: /no feature store at .*run `layerlab extract` first/,
  },
  {
    name: 'train: an unknown layer',
    args: (w) => ['train', '--store', w.store, '--layers', 'block9/relu'],
    exit: 66,
    fix: /no stored feature set matches block9\/relu; the store has block2\/relu, head\/pool/,
  },
  {
    name: 'train: resuming a run that does not exist',
    args: () => ['train', '--resume', 'run-19700101-000000-0000'],
    exit: 66,
    fix: /list runs with `layerlab results`/,
  },
  {
    name: 'demo: epochs that are not a number',
    args: () => ['demo', '--epochs', 'many'],
    exit: 2,
    fix: /--epochs must be a positive integer, got many/,
  },
  {
    name: 'results: a run that does not exist',
    args: () => ['results', 'run-19700101-000000-0000'],
    exit: 66,
    fix: /list runs with `layerlab results`/,
  },
  {
    name: 'results: an unknown output format',
    args: (w) => ['results', w.run, '--format', 'xml'],
    exit: 2,
    fix: /Allowed choices are table, csv, json/,
  },
  {
    name: 'report: a run that does not exist',
    args: (w) => ['report', 'run-19700101-000000-0000', '--out', `${w.root}/report.html`],
    exit: 66,
    fix: /list runs with `layerlab results`/,
  },
  {
    name: 'report: --out inside a regular file',
    args: (w) => ['report', w.run, '--out', `${w.model}/report.html`],
    exit: 74,
    fix: /pass --out with a writable path/,
  },
  {
    name: 'export-head: a head the run does not have',
    args: (w) => ['export-head', '--run', w.run, '--head', 'm999', '--out', `${w.root}/head.onnx`],
    exit: 66,
    fix: /has no head m999; its heads are m0/,
  },
  {
    name: 'export-head: --out inside a regular file',
    args: (w) => ['export-head', '--run', w.run, '--out', `${w.model}/head.onnx`],
    exit: 74,
    fix: /pass --out with a writable path/,
  },
  {
    name: 'store info: a store that does not exist',
    args: () => ['store', 'info', 'no-such-store'],
    exit: 66,
    fix: /run `layerlab store ls` to list stores/,
  },
  {
    name: 'store export: a layer the store does not hold',
    args: (w) => [
      'store',
      'export',
      w.store,
      '--layer',
      'head/logits',
      '--format',
      'npy',
      '--out',
      `${w.root}/x`,
    ],
    exit: 66,
    fix: /no feature set head\/logits in .*; stored: /,
  },
  {
    name: 'store export: an unknown format',
    args: (w) => [
      'store',
      'export',
      w.store,
      '--layer',
      'head/pool',
      '--format',
      'xlsx',
      '--out',
      `${w.root}/x`,
    ],
    exit: 2,
    fix: /Allowed choices are npy, csv/,
  },
  {
    name: 'an unknown command',
    args: () => ['extrct'],
    exit: 2,
    fix: /unknown command 'extrct'/, // followed by "(Did you mean extract?)"
  },
  {
    name: 'extract: a missing argument',
    args: () => ['extract'],
    exit: 2,
    fix: /missing required argument 'model'/,
  },
  {
    name: 'ui: no terminal',
    args: () => ['ui'],
    exit: 2,
    fix: /needs an interactive terminal.*use `layerlab results`/,
  },
];

failureCatalogue('robustness: flags, sweep values and references', cases);
