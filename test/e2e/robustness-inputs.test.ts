import { failureCatalogue, type FailureCase } from './fixtures/failure-catalogue.js';

/** Bad models and bad data, met by extract, layers and predict. */
const cases: FailureCase[] = [
  {
    name: 'extract: the model file is missing',
    args: (w) => ['extract', `${w.root}/no-such-model.onnx`, w.data],
    exit: 66,
    fix: /not found; pass an \.onnx file/,
  },
  {
    name: 'extract: a truncated model',
    args: (w) => ['extract', w.bad.models.truncated, w.data],
    exit: 65,
    fix: /check the file is complete or export it again/,
  },
  {
    name: 'extract: a corrupt model (random bytes)',
    args: (w) => ['extract', w.bad.models.corrupt, w.data],
    exit: 65,
    fix: /check the file is complete or export it again/,
  },
  {
    name: 'extract: an empty model file',
    args: (w) => ['extract', w.bad.models.empty, w.data],
    exit: 65,
    fix: /check the file is complete or export it again/,
  },
  {
    name: 'layers: a PNG image given as the model (wrong format)',
    args: (w) => ['layers', w.bad.models.image],
    exit: 65,
    fix: /not a valid ONNX model.*export it again/,
  },
  {
    name: 'layers: a TF.js model.json that is not JSON',
    args: (w) => ['layers', w.bad.models.tfjsBroken],
    exit: 65,
    fix: /model\.json/,
  },
  {
    name: 'layers: an unknown built-in model',
    args: () => ['layers', 'builtin:no-such-model'],
    exit: 66,
    fix: /built-in models: shapes-cnn/,
  },
  {
    name: 'extract: an unknown layer',
    args: (w) => ['extract', w.model, w.data, '--layers', 'block9/relu'],
    exit: 65,
    fix: /unknown layer block9\/relu; nearest capture points/,
  },
  {
    name: 'extract: the data is missing',
    args: (w) => ['extract', w.model, `${w.root}/no-such-data`],
    exit: 66,
    fix: /not found; pass a folder of class sub-folders/,
  },
  {
    name: 'extract: an empty dataset folder',
    args: (w) => ['extract', w.model, w.bad.data.emptyFolder],
    exit: 66,
    fix: /lay it out as .*<class>\/<image>/,
  },
  {
    name: 'extract: a CSV with a header and no rows',
    args: (w) => ['extract', 'builtin:tiny-bert', w.bad.data.headerOnlyCsv],
    exit: 65,
    fix: /no data rows; add rows/,
  },
  {
    name: 'extract: every image undecodable',
    args: (w) => ['extract', w.model, w.bad.data.undecodable],
    exit: 65,
    fix: /none of the 12 records could be read.*check/,
  },
  {
    name: 'extract --strict: one undecodable image',
    args: (w) => ['extract', w.model, w.bad.data.oneUndecodable, '--strict'],
    exit: 65,
    fix: /dog\/broken\.png could not be decoded .*remove it, or run without --strict/,
  },
  {
    name: 'extract: an IDX file shorter than its header says',
    args: (w) => ['extract', w.model, w.bad.data.truncatedIdx],
    exit: 65,
    fix: /truncated|shorter/,
  },
  {
    name: 'extract --strict: a ragged CSV (a row without its label)',
    args: (w) => ['extract', 'builtin:tiny-bert', w.bad.data.raggedCsv, '--strict'],
    exit: 65,
    fix: /row 2: no label value; fix the row, or run without --strict to skip it/,
  },
  {
    name: 'extract: a CSV that is not valid UTF-8',
    args: (w) => ['extract', 'builtin:tiny-bert', w.bad.data.invalidUtf8Csv],
    exit: 65,
    fix: /row 1 is not valid UTF-8; save the file as UTF-8/,
  },
  {
    name: 'extract: JSON Lines labels mixing numbers and strings',
    args: (w) => ['extract', 'builtin:tiny-bert', w.bad.data.mixedLabelsJsonl],
    exit: 65,
    fix: /labels mix numbers and strings .*write every label the same way/,
  },
  {
    name: 'extract: an image model on a text dataset',
    args: (w) => ['extract', w.model, w.bad.data.raggedCsv],
    exit: 65,
    fix: /takes images, but .*ragged\.csv holds text; pass a dataset of images, or a model that takes text/,
  },
  {
    name: 'extract: a model whose features are NaN',
    args: (w) => ['extract', w.bad.models.nan, w.data, '--store', `${w.root}/nan-store`],
    exit: 65,
    fix: /NaN or infinite values at pre\/nan.*check the preprocessing/,
    absent: (w) => `${w.root}/nan-store`,
  },
  {
    name: 'extract: a model whose features are infinite',
    args: (w) => ['extract', w.bad.models.inf, w.data],
    exit: 65,
    fix: /NaN or infinite values at pre\/inf.*check the preprocessing/,
  },
  {
    name: 'extract: a zero-size batch',
    args: (w) => ['extract', w.model, w.data, '--batch-size', '0'],
    exit: 2,
    fix: /--batch-size must be a positive integer/,
  },
  {
    name: 'extract: a memory budget nothing fits in',
    args: (w) => ['extract', w.model, w.data, '--layers', 'head/logits', '--memory', '1M'],
    exit: 78,
    fix: /does not fit in 1 MiB of memory .*raise --memory or capture fewer layers/,
  },
  {
    name: 'extract: an unknown pooling',
    args: (w) => ['extract', w.model, w.data, '--pool', 'median'],
    exit: 2,
    fix: /--pool/,
  },
  {
    name: 'train: a one-class dataset',
    prepare: async (w) => {
      const run = await w.cli([
        'extract',
        w.model,
        w.bad.data.oneClass,
        '--store',
        `${w.root}/one-class-store`,
      ]);
      if (run.code !== 0) throw new Error(run.stderr);
    },
    args: (w) => ['train', '--store', `${w.root}/one-class-store`, '--epochs', '1'],
    exit: 65,
    fix: /only one class \(cat\).*at least two/,
    guard: (w) => `${w.root}/one-class-store`,
  },
  {
    name: 'predict: data no record of which can be read',
    args: (w) => ['predict', '--run', w.run, '--data', w.bad.data.undecodable, '--out', `${w.root}/p.csv`],
    exit: 65,
    fix: /none of the 12 records could be read/,
  },
  {
    name: 'predict: --out inside a regular file',
    args: (w) => ['predict', '--run', w.run, '--data', w.data, '--out', `${w.model}/predictions.csv`],
    exit: 74,
    fix: /cannot write .*pass --out with a writable path/,
  },
];

failureCatalogue('robustness: bad models and bad data', cases);
