import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDataset } from '../../src/data/open-dataset.js';
import { DelimitedParser, type ParsedRow } from '../../src/data/delimited-parser.js';
import { tempDir } from './write-datasets.js';

const texts = async (ref: string, options = {}) => {
  const data = await openDataset(ref, options);
  const batch = await data.readBatch(0, data.size);
  await data.close?.();
  return { data, texts: batch.kind === 'text' ? batch.texts : [] };
};

describe('CSV/TSV/JSONL readers', () => {
  it('reopens an unchanged table from the digest cache as the same dataset (ids, hashes, labels, split, groups)', async () => {
    const dir = tempDir();
    const path = join(dir, 'posts.csv');
    const rows = Array.from({ length: 300 }, (_, i) => {
      const id = i % 2 ? `p-${i}-é` : String(1000 - i);
      return `${id},post number ${i},${['a', 'b', 'c'][i % 3]},${['train', 'val', 'test'][i % 3]},g${i % 4}`;
    });
    writeFileSync(path, `key,text,label,part,author\n${rows.join('\n')}\n`);
    const options = {
      cacheDir: join(dir, 'cache'),
      idColumn: 'key',
      splitColumn: 'part',
      groupColumn: 'author',
    };
    const first = await texts(path, options);
    const again = await texts(path, options);
    const plain = await texts(path, { ...options, cacheDir: undefined });
    for (const { data, texts: read } of [again, plain]) {
      expect(data.digest).toBe(first.data.digest);
      expect([...data.ids]).toEqual([...first.data.ids]);
      expect([...data.recordHashes!]).toEqual([...first.data.recordHashes!]);
      expect(Array.from(data.labels)).toEqual(Array.from(first.data.labels));
      expect(Array.from(data.split)).toEqual(Array.from(first.data.split));
      expect(data.groups).toEqual(first.data.groups);
      expect(read).toEqual(first.texts);
      expect(data.ids.indexOf('p-7-é')).toBe(7);
    }
    expect(first.texts[299]).toBe('post number 299');
  });

  it('reads quoted fields, embedded newlines and UTF-8, with a BOM and CRLF line ends', async () => {
    const dir = tempDir();
    const path = join(dir, 'reviews.csv');
    writeFileSync(
      path,
      '\uFEFFid,text,label\r\n1,"Hello, world",pos\r\n2,"She said ""hi""\nthen left",neg\r\n3,Ünïcödé 😀 text,pos\r\n',
    );
    const { data, texts: read } = await texts(path);
    expect(data.modality).toBe('text');
    expect(read).toEqual(['Hello, world', 'She said "hi"\nthen left', 'Ünïcödé 😀 text']);
    expect([...data.ids]).toEqual(['0', '1', '2']);
    expect(data.classNames).toEqual(['neg', 'pos']);
    expect(Array.from(data.labels)).toEqual([1, 0, 1]);
    expect(data.recordHashes).toHaveLength(3);
  });

  it('selects the text and label columns, orders numeric labels numerically, skips rows without a label', async () => {
    const dir = tempDir();
    const path = join(dir, 'data.tsv');
    writeFileSync(path, 'sentence\ty\tcomment\nfirst\t10\tx\nsecond\t2\ty\nthird\t\tz\nfourth\t2\tw\n');
    const { data, texts: read } = await texts(path, { labelColumn: 'y', textColumn: 'sentence' });
    expect(read).toEqual(['first', 'second', 'fourth']);
    expect(data.classNames).toEqual(['2', '10']);
    expect(Array.from(data.labels)).toEqual([1, 0, 0]);
    expect([...data.ids]).toEqual(['0', '1', '3']); // row numbers as written
    expect(data.skipped).toEqual([{ id: '2', reason: 'no y value' }]);
    await expect(openDataset(path, { labelColumn: 'y', strict: true })).rejects.toMatchObject({
      exitCode: 65,
    });
    await expect(openDataset(path, { labelColumn: 'nope' })).rejects.toThrow(/columns: sentence, y, comment/);
  });

  it('skips a row with more fields than the header (an unquoted comma would shift its label)', async () => {
    const dir = tempDir();
    const path = join(dir, 'reviews.csv');
    writeFileSync(path, 'text,label\ngood film,pos\nslow, but fine,pos\nbad film,neg\n');
    const { data, texts: read } = await texts(path);
    expect(read).toEqual(['good film', 'bad film']);
    expect(data.skipped).toEqual([
      { id: '1', reason: '3 fields where the header has 2 (quote values that contain a comma)' },
    ]);
    await expect(openDataset(path, { strict: true })).rejects.toThrow(
      /reviews\.csv row 1: 3 fields where the header has 2/,
    );
  });

  it('reads JSON Lines with any label type, and a split column', async () => {
    const dir = tempDir();
    const path = join(dir, 'data.jsonl');
    writeFileSync(
      path,
      [
        { text: 'a', label: 1, part: 'train' },
        { text: 'b', label: 0, part: 'validation' },
        { text: 'c', label: 1, part: 'test' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n\nnot json\n',
    );
    const { data, texts: read } = await texts(path, { splitColumn: 'part' });
    expect(read).toEqual(['a', 'b', 'c']);
    expect(Array.from(data.split)).toEqual([0, 1, 2]);
    expect(data.splitRule).toEqual({ method: 'column', column: 'part' });
    expect(data.skipped?.[0]?.reason).toMatch(/invalid JSON/);
  });

  it('keeps ids, hashes and splits of existing rows when rows are appended; the digest changes', async () => {
    const dir = tempDir();
    const path = join(dir, 'grow.csv');
    writeFileSync(
      path,
      'text,label\n' + Array.from({ length: 40 }, (_, i) => `row ${i},${i % 2}`).join('\n') + '\n',
    );
    const before = await openDataset(path, { seed: 3 });
    appendFileSync(path, 'row 40,0\nrow 41,1\n');
    const after = await openDataset(path, { seed: 3 });
    expect(after.size).toBe(42);
    expect(after.lineage).toBe(before.lineage);
    expect(after.digest).not.toBe(before.digest);
    expect([...after.recordHashes!].slice(0, 40)).toEqual([...before.recordHashes!]);
    expect(Array.from(after.split.subarray(0, 40))).toEqual(Array.from(before.split));
    const batch = await after.readRecords!([41, 0]);
    expect(batch.kind === 'text' && batch.texts).toEqual(['row 41', 'row 0']);
  });

  it('parses the same rows whatever the chunk boundaries', () => {
    const text = 'a,b\n"x,""y""\n",2\r\nplain,3\n"é😀",4';
    const bytes = new TextEncoder().encode(text);
    const parse = (chunk: number) => {
      const rows: ParsedRow[] = [];
      const parser = new DelimitedParser(0x2c, (r) => rows.push(r));
      for (let i = 0; i < bytes.length; i += chunk) parser.push(bytes.subarray(i, i + chunk));
      parser.end();
      return rows;
    };
    const whole = parse(bytes.length);
    expect(whole.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['x,"y"\n', '2'],
      ['plain', '3'],
      ['é😀', '4'],
    ]);
    for (const chunk of [1, 2, 3, 7]) expect(parse(chunk)).toEqual(whole);
    // Byte ranges re-read a row exactly.
    const row = whole[1]!;
    expect(new TextDecoder().decode(bytes.subarray(row.start, row.end))).toBe('"x,""y""\n",2');
  });
});
