import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCommand } from '../../src/cli/list.ts';
import { main } from '../../src/cli/main.ts';

describe('sluice list and run with classifiers and composites', () => {
  it('list strategies shows the composite types; list classifiers the classifiers with params and labels', () => {
    const strategies = listCommand('strategies', []);
    expect(strategies).toMatch(/ensemble\s+rule="weighted_vote", threshold=0.5; members: \[/);
    expect(strategies).toMatch(/regime_switch\s+\(no params\); classifier: <id>, regimes:/);
    const classifiers = listCommand('classifiers', []);
    expect(classifiers).toMatch(
      /volatility_regime\s+period=14, lookback=100, low_pct=25, high_pct=75, atr_first_bar="skip" {2}→ low, normal, high/,
    );
    expect(classifiers).toMatch(
      /trend_regime\s+period=14, adx_threshold=25, ma="ema", ma_period=50, slope_bars=5 {2}→ trending_up, trending_down, ranging/,
    );
    expect(listCommand(undefined, [])).toContain('classifiers:');
  });

  it('run prints where the regime changes went', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sluice-cli-composite-'));
    try {
      const lines: string[] = [];
      const code = await main(
        ['node', 'sluice', 'run', 'test/fixtures/configs/spy-composite.yaml', '--out', out, '--log-level', 'silent'],
        { out: (t) => lines.push(t), err: (t) => lines.push(t) },
      );
      expect(code, lines.join('\n')).toBe(0);
      expect(lines.join('\n')).toMatch(/signals: \d+ regime changes computed/);
      expect(lines.join('\n')).toMatch(
        /signal store: \d+ signal rows, \d+ regime rows in .*signal_generation\/signals/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
