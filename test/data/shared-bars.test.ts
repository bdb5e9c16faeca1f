import { describe, expect, it } from 'vitest';
import { CsvBarSource } from '../../src/data/csv-source.ts';
import { readSharedColumns } from '../../src/data/shared-bars.ts';
import { openWorkflowSource, readWorkflowBars, sharedWorkflowSource } from '../../src/data/workflow-source.ts';
import { loadWorkflow } from '../../src/load/load-workflow.ts';
import { readAll, readError, tempFiles } from './read-all.ts';

const CSV = [
  'timestamp,open,high,low,close,volume',
  '2024-01-02T00:00:00Z,10,11,9,10.5,100',
  '2024-01-03T00:00:00Z,10.5,12,10,11,200',
  '2024-01-04T00:00:00Z,11,11.5,10.2,10.4,300',
];

describe('readSharedColumns', () => {
  it('reads a source across chunks into columns over SharedArrayBuffers, exactly sized', async () => {
    const file = tempFiles()('bars.csv', `${CSV.join('\n')}\n`);
    const columns = (await readSharedColumns(new CsvBarSource({ file, symbol: 'X', chunkSize: 2 }), 10))!;
    const rows = await readAll(new CsvBarSource({ file, symbol: 'X' }));
    for (const field of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(columns[field].buffer).toBeInstanceOf(SharedArrayBuffer);
      expect([...columns[field]]).toEqual(rows[field]);
    }
    expect(columns.ts.length).toBe(3);
  });

  it('gives up (null) past maxRows, so a big file is not held in memory', async () => {
    const file = tempFiles()('bars.csv', `${CSV.join('\n')}\n`);
    expect(await readSharedColumns(new CsvBarSource({ file, symbol: 'X', chunkSize: 1 }), 2)).toBeNull();
    expect(await readSharedColumns(new CsvBarSource({ file, symbol: 'X', chunkSize: 1 }), 3)).not.toBeNull();
  });

  it("throws the source's own file:row error for a bad row", async () => {
    const file = tempFiles()('bad.csv', `${[...CSV, '2024-01-05T00:00:00Z,11,10,12,11,1'].join('\n')}\n`);
    const expected = await readError(new CsvBarSource({ file, symbol: 'X' }));
    await expect(readSharedColumns(new CsvBarSource({ file, symbol: 'X' }), 10)).rejects.toThrow(expected.message);
    expect(expected.message).toMatch(/bad\.csv:5 /);
  });
});

describe('sharedWorkflowSource', () => {
  it('gives the bars openWorkflowSource reads, in the same order, for several symbols within a date range', async () => {
    const loaded = await loadWorkflow('examples/daily-rotation.yaml', {
      sets: ["data.start='2005-01-01'", "data.end='2006-01-01'", 'data.chunk_size=100'],
    });
    const bars = (await readWorkflowBars(loaded.wf))!;
    expect(bars.map((b) => b.symbol)).toEqual(['NVDA', 'ORCL', 'YHOO']);
    const shared = await readAll(sharedWorkflowSource(loaded.wf, bars));
    const file = await readAll(openWorkflowSource(loaded.wf));
    expect(shared.ts.length).toBe(3 * 252);
    expect(shared).toEqual(file);
  });

  it('is null when the bars are more than the limit', async () => {
    const loaded = await loadWorkflow('examples/daily-rotation.yaml', {
      sets: ["data.start='2005-01-01'", "data.end='2006-01-01'"],
    });
    expect(await readWorkflowBars(loaded.wf, 2 * 252)).toBeNull();
  });
});
