import { describe, expect, it } from 'vitest';
import { ExecutionSchema } from '../../src/config/schema/trading.ts';
import { parseWithSchema } from '../../src/config/validate.ts';
import { parseYamlText } from '../../src/config/yaml-source.ts';
import { catchConfigError } from './catch-config-error.ts';

const parse = (yaml: string) => parseWithSchema(parseYamlText(yaml, 'c.yaml'), ExecutionSchema);
const errorFor = (yaml: string) => catchConfigError(() => parse(yaml)).message;

describe('execution config', () => {
  it('defaults: fill next_open, no slippage, free per_share commission, no volume cap', () => {
    const e = parse('{}');
    expect(e).toMatchObject({
      fill: 'next_open',
      slippage_bps: 0,
      commission: { model: 'per_share', per_share: 0, percent: 0, minimum: 0 },
    });
    expect(e.slippage).toBeUndefined();
    expect(e.max_volume_share).toBeUndefined();
  });

  it('a commission block without `model` still means per_share', () => {
    expect(parse('commission: { per_share: 0.005, minimum: 1.0 }').commission).toEqual({
      model: 'per_share',
      per_share: 0.005,
      percent: 0,
      minimum: 1,
    });
  });

  it('fixed and tiered commission, slippage models, max_volume_share', () => {
    const e = parse(
      [
        'slippage: { model: volume_share }',
        'max_volume_share: 0.1',
        'commission:',
        '  model: tiered',
        '  minimum: 0.35',
        '  tiers:',
        '    - { up_to_shares: 300000, per_share: 0.0035 }',
        '    - { up_to_shares: 3000000, per_share: 0.002 }',
        '    - { per_share: 0.0015 }',
      ].join('\n'),
    );
    expect(e.slippage).toEqual({ model: 'volume_share', impact_bps: 1000, cap_bps: 100 });
    expect(e.max_volume_share).toBe(0.1);
    expect(e.commission).toMatchObject({
      model: 'tiered',
      minimum: 0.35,
      tiers: [{ up_to_shares: 300000, per_share: 0.0035, percent: 0 }, {}, {}],
    });
    expect(parse('commission: { model: fixed, per_order: 1 }').commission).toEqual({ model: 'fixed', per_order: 1 });
    expect(parse('slippage: { model: spread, spread_bps: 4 }').slippage).toEqual({ model: 'spread', spread_bps: 4 });
    expect(parse('slippage: { model: fixed, bps: 3 }').slippage).toEqual({ model: 'fixed', bps: 3 });
  });

  it('refuses slippage_bps together with a slippage model', () => {
    expect(errorFor('slippage_bps: 2\nslippage: { model: fixed, bps: 3 }')).toMatch(
      /slippage_bps or slippage, not both/,
    );
  });

  it('refuses bad tiers, naming the tier', () => {
    expect(
      errorFor('commission: { model: tiered, tiers: [{ per_share: 1 }, { up_to_shares: 5, per_share: 1 }] }'),
    ).toMatch(/commission\.tiers\[0\].*only the last tier/);
    expect(errorFor('commission: { model: tiered, tiers: [{ up_to_shares: 5 }, { up_to_shares: 4 }] }')).toMatch(
      /tiers\[1\].*bounds must increase/,
    );
    expect(errorFor('commission: { model: tiered, tiers: [{ up_to_shares: 5 }, { up_to_notional: 40 }] }')).toMatch(
      /tiers\[1\].*one kind/,
    );
    expect(errorFor('commission: { model: tiered, tiers: [] }')).toMatch(/tiers/);
  });

  it('refuses a fields of another model and out-of-range values', () => {
    expect(errorFor('commission: { model: fixed, per_share: 1 }')).toMatch(/per_share|per_order/);
    expect(errorFor('max_volume_share: 0')).toMatch(/max_volume_share/);
    expect(errorFor('max_volume_share: 1.5')).toMatch(/max_volume_share/);
    expect(errorFor('slippage: { model: slippy }')).toMatch(/slippage\.model/);
  });
});
