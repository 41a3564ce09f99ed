import { writeParquet, type ParquetColumn } from '../store/parquet-writer.js';
import type { Predictions } from './predict.js';

/**
 * The predictions table as Parquet: `id`, `prediction` (the class name), then `p_<class>` float
 * probabilities (then `group`, `head` for a grouped run), one row per record in canonical order: the CSV's columns (docs/contract.md, "Predictions").
 */
export function writePredictionsParquet(path: string, predictions: Predictions): Promise<void> {
  const { classNames, predicted, probabilities, ids, routing } = predictions;
  const columns: ParquetColumn[] = [
    { name: 'id', type: 'VARCHAR', value: (r) => ids[r]! },
    {
      name: 'prediction',
      type: 'VARCHAR',
      value: (r) => classNames[predicted[r]!] ?? String(predicted[r]),
    },
    ...classNames.map((name, c): ParquetColumn => ({
      name: `p_${name}`,
      type: 'FLOAT',
      value: (r) => probabilities[r * classNames.length + c]!,
    })),
    ...(routing
      ? [
          { name: 'group', type: 'VARCHAR', value: (r) => routing.group[r]! } satisfies ParquetColumn,
          {
            name: 'head',
            type: 'VARCHAR',
            value: (r) => (routing.own[r] ? 'group' : 'shared'),
          } satisfies ParquetColumn,
        ]
      : []),
  ];
  return writeParquet(path, ids.length, columns);
}
