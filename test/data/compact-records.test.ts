import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/random.js';
import { CompactIds } from '../../src/data/compact-ids.js';
import { LabelMapBuilder } from '../../src/data/label-map.js';
import { PackedHashes } from '../../src/data/packed-hashes.js';
import { recordHash, recordHashBytes } from '../../src/data/record-hash.js';
import { idLookup } from '../../src/data/record-ids.js';
import { RecordKeys } from '../../src/data/sources/record-keys.js';
import { hashSplit } from '../../src/data/split.js';

/** Pushes every id, checking each answer against a Map, then every read against the array. */
function checkAgainstArray(sequence: string[]): CompactIds {
  const ids = new CompactIds();
  const expected: string[] = [];
  const seen = new Map<string, number>();
  for (const id of sequence) {
    const fresh = !seen.has(id);
    expect(ids.push(id)).toBe(fresh);
    if (fresh) seen.set(id, expected.push(id) - 1);
  }
  expect(ids.length).toBe(expected.length);
  expect([...ids]).toEqual(expected);
  expected.forEach((id, i) => {
    expect(ids.at(i)).toBe(id);
    expect(ids.indexOf(id)).toBe(i);
  });
  expect(ids.at(-1)).toBeUndefined();
  expect(ids.at(expected.length)).toBeUndefined();
  return ids;
}

describe('CompactIds', () => {
  it('holds a run of consecutive integers (a key read in key order) and finds them', () => {
    const ids = checkAgainstArray(Array.from({ length: 5000 }, (_, i) => String(i + 1)));
    for (const absent of ['0', '5001', '01', '1.0', '-1', 'x', '']) expect(ids.indexOf(absent)).toBe(-1);
  });

  it('holds increasing integers with gaps, then integers out of order, and refuses duplicates', () => {
    const ids = checkAgainstArray(['1', '2', '3', '10', '12', '-4', '11', '3', '10', '9007199254740991']);
    expect(ids.indexOf('4')).toBe(-1);
  });

  it('holds any text (leading zeros, unicode, big integers) and finds duplicates across growth', () => {
    const rng = new Rng(7);
    const pool = [
      ...Array.from({ length: 3000 }, (_, i) => String(i)),
      ...Array.from({ length: 3000 }, (_, i) => `img/${i}-é.png`),
      '007',
      '9007199254740993',
      '',
    ];
    checkAgainstArray(['5', '6', ...Array.from({ length: 12_000 }, () => pool[rng.int(pool.length)]!)]);
  });

  it('saves and loads in every form (a run, increasing integers, integers out of order, text)', () => {
    for (const text of [
      ['1', '2', '3'],
      ['1', '5', '9'],
      ['9', '5', '1'],
      ['b', 'a', '7', 'é'],
    ]) {
      const ids = checkAgainstArray(text);
      const loaded = CompactIds.load(
        JSON.parse(JSON.stringify(ids.save())) as ReturnType<CompactIds['save']>,
      );
      expect([...loaded]).toEqual(text);
      text.forEach((id, i) => expect(loaded.indexOf(id)).toBe(i));
      expect(loaded.push(text[0]!)).toBe(false);
      expect(loaded.push('new')).toBe(true);
    }
    const hashes = new PackedHashes();
    hashes.push(recordHashBytes('x'));
    hashes.push(recordHashBytes('y'));
    expect([...PackedHashes.load(hashes.save())]).toEqual([recordHash('x'), recordHash('y')]);
  });

  it('serves hashSplit and idLookup as a plain array of the same ids does', () => {
    const text = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? `r${i}` : String(i * 7)));
    const ids = checkAgainstArray(text);
    expect(hashSplit(ids, 3)).toEqual(hashSplit(text, 3));
    const compact = idLookup(ids);
    const plain = idLookup(text);
    for (const id of [...text, 'nope', '14']) expect(compact(id)).toBe(plain(id));
  });
});

describe('PackedHashes', () => {
  it('gives back every hash as recordHash writes it, across chunks', () => {
    const hashes = new PackedHashes();
    const expected: string[] = [];
    for (let i = 0; i < 70_000; i++) {
      const content = `record ${i}`;
      hashes.push(recordHashBytes(content));
      if (i % 997 === 0 || i >= 65_530) expected[i] = recordHash(content);
    }
    expect(hashes.length).toBe(70_000);
    expected.forEach((hash, i) => expect(hashes.at(i)).toBe(hash));
    expect(hashes.at(70_000)).toBeUndefined();
    expect([...hashes]).toHaveLength(70_000);
  });
});

describe('LabelMapBuilder', () => {
  it('orders classes as buildLabelMap does: numbers numerically, other labels by code point', () => {
    const numeric = new LabelMapBuilder();
    for (const label of ['10', '2', '2', '1.5', '10']) numeric.push(label);
    const built = numeric.finish();
    expect(built.classNames).toEqual(['1.5', '2', '10']);
    expect(Array.from(built.labels)).toEqual([2, 1, 1, 0, 2]);
    const words = new LabelMapBuilder();
    for (const label of ['dog', 'cat', 'Cat']) words.push(label);
    expect(words.finish().classNames).toEqual(['Cat', 'cat', 'dog']);
  });

  it('keeps more than 256 classes (its one-byte codes widen)', () => {
    const builder = new LabelMapBuilder();
    const raw = Array.from({ length: 5000 }, (_, i) => `c${String((i * 37) % 700).padStart(3, '0')}`);
    for (const label of raw) builder.push(label);
    const { classNames, labels } = builder.finish();
    expect(classNames).toHaveLength(700);
    expect(labels).toHaveLength(raw.length);
    raw.forEach((label, i) => expect(classNames[labels[i]!]).toBe(label));
  });
});

describe('RecordKeys', () => {
  const keysOf = (values: unknown[]) => {
    const ids = new CompactIds();
    const keys = new RecordKeys(ids);
    for (const value of values) {
      ids.push(
        typeof value === 'string'
          ? value
          : typeof value === 'number' || typeof value === 'bigint'
            ? String(value)
            : JSON.stringify(value),
      );
      keys.push(value);
    }
    return values.map((_, i) => keys.at(i));
  };

  it('rebuilds numbers, bigints and strings from the ids with their type', () => {
    expect(keysOf([1, 2, 7.5, -3])).toEqual([1, 2, 7.5, -3]);
    expect(keysOf([1n, 90071992547409930n])).toEqual([1n, 90071992547409930n]);
    expect(keysOf(['007', '8', 'a b'])).toEqual(['007', '8', 'a b']);
  });

  it('keeps keys of mixed or other kinds as they are', () => {
    expect(keysOf([1, '2', 3])).toEqual([1, '2', 3]);
    const date = { day: '2026-01-02' };
    expect(keysOf(['x', date])).toEqual(['x', date]);
  });
});
