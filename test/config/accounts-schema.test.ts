import { describe, expect, it } from 'vitest';
import { DataSchema } from '../../src/config/schema/data.ts';
import { ExecutionSchema, PortfolioSchema } from '../../src/config/schema/trading.ts';
import { parseWithSchema } from '../../src/config/validate.ts';
import { parseYamlText } from '../../src/config/yaml-source.ts';
import { catchConfigError } from './catch-config-error.ts';

const portfolio = (yaml: string) => parseWithSchema(parseYamlText(yaml, 'c.yaml'), PortfolioSchema);
const data = (yaml: string) => parseWithSchema(parseYamlText(yaml, 'c.yaml'), DataSchema);
const execution = (yaml: string) => parseWithSchema(parseYamlText(yaml, 'c.yaml'), ExecutionSchema);
const errorFor = (fn: () => unknown) => catchConfigError(fn).message;

describe('portfolio.account', () => {
  it('defaults to a cash account that rejects orders beyond buying power', () => {
    const p = portfolio('{}');
    expect([p.account, p.insufficient_funds, p.margin]).toEqual(['cash', 'reject', undefined]);
  });

  it('a margin account takes rates; absent ones are Reg T / FINRA', () => {
    expect(portfolio('account: margin\nmargin: { initial: 0.3 }').margin).toEqual({
      initial: 0.3,
      maintenance: 0.25,
      short_initial: 0.5,
      short_maintenance: 0.3,
      max_leverage: 2,
    });
  });

  it('refuses margin rates on a cash account, and maintenance above initial, saying how to fix it', () => {
    expect(errorFor(() => portfolio('margin: { initial: 0.5 }'))).toMatch(
      /c\.yaml:1:9 {2}margin: .*set portfolio\.account: margin, or remove portfolio\.margin/s,
    );
    expect(errorFor(() => portfolio('account: margin\nmargin: { initial: 0.2, maintenance: 0.3 }'))).toMatch(
      /margin\.maintenance.*above initial 0\.2/s,
    );
    expect(errorFor(() => portfolio('insufficient_funds: shrink'))).toMatch(/insufficient_funds/);
  });
});

describe('data.instrument', () => {
  it('a future needs a multiplier and a margin', () => {
    const d = data(
      'symbol: ES\npath: es.csv\ntimeframe: 1d\ninstrument: { kind: future, multiplier: 50, margin: 12000 }',
    );
    expect(d.instrument).toEqual({ kind: 'future', multiplier: 50, margin: 12000 });
    expect(
      errorFor(() => data('symbol: ES\npath: es.csv\ntimeframe: 1d\ninstrument: { kind: future, margin: 12000 }')),
    ).toMatch(/c\.yaml:4:\d+.*instrument\.multiplier/s);
    expect(
      errorFor(() =>
        data('symbol: ES\npath: es.csv\ntimeframe: 1d\ninstrument: { kind: future, multiplier: -1, margin: 1 }'),
      ),
    ).toMatch(/instrument\.multiplier/);
  });

  it('several symbols: per source, not at the top', () => {
    const d = data(
      'timeframe: 1d\nsources:\n  - { symbol: ES, path: es.csv, instrument: { kind: future, multiplier: 50, margin: 1 } }\n  - { symbol: SPY, path: spy.csv }',
    );
    expect(d.sources?.map((s) => s.instrument)).toEqual([{ kind: 'future', multiplier: 50, margin: 1 }, undefined]);
    expect(
      errorFor(() => data('timeframe: 1d\ninstrument: { kind: equity }\nsources: [{ symbol: ES, path: es.csv }]')),
    ).toMatch(/sources\[i\]\.instrument/);
  });
});

describe('execution.commission per_contract', () => {
  it('takes a fee per contract', () => {
    expect(execution('commission: { model: per_contract, per_contract: 2 }').commission).toEqual({
      model: 'per_contract',
      per_contract: 2,
    });
    expect(errorFor(() => execution('commission: { model: per_contract }'))).toMatch(/per_contract/);
  });
});
