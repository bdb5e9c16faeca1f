import { describe, expect, it } from 'vitest';
import { parseCamel } from '../../src/config/schema-keys.ts';
import { accountingOf } from '../../src/containers/accounting.ts';
import { DataSchema } from '../../src/config/schema/data.ts';
import { ExecutionSchema, PortfolioSchema } from '../../src/config/schema/trading.ts';

const ES = { kind: 'future', multiplier: 50, margin: 12_000 } as const;

describe('accountingOf', () => {
  it('one file: its instrument; the rest are shares; a cash account with the execution costs', () => {
    const a = accountingOf({
      data: parseCamel(DataSchema, { symbol: 'ES', path: 'es.csv', timeframe: '1d', instrument: ES }),
      portfolio: parseCamel(PortfolioSchema, {}),
      execution: parseCamel(ExecutionSchema, {
        slippage_bps: 3,
        commission: { model: 'per_contract', per_contract: 2 },
      }),
    });
    expect([...a.instruments]).toEqual([['ES', ES]]);
    expect(a.funds.instrument('ES')).toEqual(ES);
    expect(a.funds.instrument('SPY')).toEqual({ kind: 'equity' });
    expect(a.funds.account).toEqual({ type: 'cash' });
    expect(a.funds.policy).toBe('reject');
    expect(a.funds.slippage).toEqual({ model: 'fixed', bps: 3 });
    expect(a.funds.commission).toEqual({ model: 'per_contract', perContract: 2 });
  });

  it('several sources: each its own instrument; a margin account takes the default rates unless given', () => {
    const data = parseCamel(DataSchema, {
      timeframe: '1d',
      sources: [
        { symbol: 'ES', path: 'es.csv', instrument: ES },
        { symbol: 'SPY', path: 'spy.csv' },
      ],
    });
    const execution = parseCamel(ExecutionSchema, { slippage: { model: 'spread', spread_bps: 4 } });
    const a = accountingOf({
      data,
      portfolio: parseCamel(PortfolioSchema, { account: 'margin', insufficient_funds: 'resize' }),
      execution,
    });
    expect([...a.instruments.keys()]).toEqual(['ES']);
    expect(a.funds.account).toEqual({
      type: 'margin',
      initial: 0.5,
      maintenance: 0.25,
      shortInitial: 0.5,
      shortMaintenance: 0.3,
      maxLeverage: 2,
    });
    expect(a.funds.policy).toBe('resize');
    expect(a.funds.slippage).toEqual({ model: 'spread', spreadBps: 4 });
    const b = accountingOf({
      data,
      portfolio: parseCamel(PortfolioSchema, { account: 'margin', margin: { initial: 0.25, max_leverage: 4 } }),
      execution,
    });
    expect(b.funds.account).toMatchObject({ type: 'margin', initial: 0.25, maxLeverage: 4, maintenance: 0.25 });
  });
});
