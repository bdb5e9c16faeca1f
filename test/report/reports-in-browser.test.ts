/**
 * Every kind of report rendered in headless Chromium from real runs on the bundled SPY
 * bars: no console or page errors, every chart drew pixels, the tables hold the run's
 * numbers, sorting works; a screenshot of each goes to test-output/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithReport, sluice } from './make-results.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'test-output';
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe.skipIf(!existsSync(CHROMIUM))(
  'reports in a real browser (skipped when /usr/bin/chromium is missing; CI installs it)',
  () => {
    let browser: Browser;
    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** Opens a report, waits until it has drawn, screenshots it; errors seen on the way. */
    async function open(file: string, shot: string): Promise<{ page: Page; errors: string[] }> {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page: ${e.message}`));
      // Offline means offline: any request other than the file itself is an error.
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) errors.push(`network: ${r.url()}`);
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
      await page.screenshot({ path: join(SHOTS, `${shot}.png`), fullPage: true });
      return { page, errors };
    }

    /** Per chart (data-chart name): pixels in clearly coloured ink (series, cells, bars — not grey grid or text). */
    async function inkPerChart(page: Page): Promise<Record<string, number>> {
      // A string, so the page's DOM types need not be in this Node project's compiler lib.
      return (await page.evaluate(`(() => {
      const out = {};
      document.querySelectorAll('.chart[data-chart]').forEach((chart, i) => {
        let ink = 0;
        chart.querySelectorAll('canvas').forEach((canvas) => {
          const ctx = canvas.getContext('2d');
          if (ctx === null || canvas.width === 0 || canvas.height === 0) return;
          const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
          for (let p = 0; p < d.length; p += 4) {
            if (d[p + 3] > 0 && Math.max(d[p], d[p + 1], d[p + 2]) - Math.min(d[p], d[p + 1], d[p + 2]) > 60) ink++;
          }
        });
        out[chart.dataset.chart + '#' + i] = ink;
      });
      return out;
    })()`)) as Record<string, number>;
    }

    function expectAllDrawn(ink: Record<string, number>, names: readonly string[]): void {
      for (const name of names)
        expect(
          Object.keys(ink).some((k) => k.startsWith(`${name}#`)),
          `chart ${name} present`,
        ).toBe(true);
      for (const [chart, pixels] of Object.entries(ink)) expect(pixels, `${chart} drew`).toBeGreaterThan(150);
    }

    /** The page's time charts (window.SluiceReport.charts): visible range, price-axis width, series and axis labels. */
    interface ChartInfo {
      name: string;
      section: string;
      range: { from: number; to: number } | null;
      axis: number;
      labels: [day: string, time: string] | null;
      series: {
        type: string;
        n: number;
        first: { time: number; value?: number; close?: number };
        last: { time: number; value?: number; close?: number };
        lastValueVisible: boolean;
        times: number[];
      }[];
    }
    async function timeCharts(page: Page): Promise<ChartInfo[]> {
      // 2024-11-12 14:00 UTC, as a day tick and as a time tick.
      return (await page.evaluate(`(window.SluiceReport.charts || []).map((c) => {
      const f = c.chart.options().timeScale.tickMarkFormatter;
      return {
        name: c.name, section: c.section, range: c.chart.timeScale().getVisibleRange(), axis: c.chart.priceScale('right').width(),
        labels: f ? [f(1731420000, 2, 'en-US'), f(1731420000, 3, 'en-US')] : null,
        series: c.series.map((s) => { const d = s.data(); return { type: s.seriesType(), n: d.length, first: d[0], last: d[d.length - 1], lastValueVisible: s.options().lastValueVisible, times: s.seriesType() === 'Histogram' ? d.map((p) => p.time) : [] }; }),
      };
    })`)) as ChartInfo[];
    }

    const cellText = (page: Page, metric: string, section = 0) =>
      page.locator(`section#section-${section} td[data-metric="${metric}"]`).first().innerText();
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

    it('backtest: price with markers, equity, drawdown, monthly returns, metrics with definitions, sortable trades', async () => {
      const { dir, out } = await runWithReport('examples/spy-sma-crossover.yaml');
      expect(out).toMatch(/report: .*report\.html \(\d+ KB\)/);
      const best = json(join(dir, 'backtest', 'phase_summary.json'))['best'];
      const { page, errors } = await open(join(dir, 'report.html'), 'report-backtest');
      expectAllDrawn(await inkPerChart(page), ['price', 'equity', 'drawdown']);
      expect(await cellText(page, 'total_return')).toBe(pct(best.metrics.total_return));
      expect(await cellText(page, 'max_drawdown')).toBe(pct(best.metrics.max_drawdown));
      expect(await cellText(page, 'trade_count')).toBe(String(best.metrics.trade_count));
      expect(await page.locator('th[data-metric="sharpe_ratio"]').getAttribute('title')).toMatch(/excess return/);
      expect(await page.locator('table.monthly tbody tr').count()).toBe(2);

      // Issue 19, item 11: price, equity and drawdown open on the same period with the same
      // price-axis width (they line up in time), date labels never mixed with bare day numbers
      // or times of day, and no last-value label on the axis (it covered an axis label): the
      // last value is in the caption.
      const charts = (await timeCharts(page)).filter((c) => c.section === 'section-0');
      expect(charts.map((c) => c.name)).toEqual(['price', 'equity', 'drawdown']);
      const [price] = charts;
      const firstBar = best.metrics.start_ts / 1000;
      for (const c of charts) {
        expect(c.range, c.name).not.toBeNull();
        expect(Math.abs(c.range!.from - price!.range!.from), `${c.name} opens with the price chart`).toBeLessThan(
          86_400,
        );
        expect(Math.abs(c.range!.to - price!.range!.to), `${c.name} ends with the price chart`).toBeLessThan(86_400);
        expect(c.range!.from - firstBar, `${c.name} opens on the first bar`).toBeLessThan(86_400);
        expect(c.axis, `${c.name} price-axis width`).toBe(price!.axis);
        expect(c.labels).toEqual(['Nov 12', '']);
        for (const series of c.series) expect(series.lastValueVisible, `${c.name} last-value label`).toBe(false);
      }
      // Zooming the price chart (pointer on it, as a user does) takes equity and drawdown along.
      await page.locator('[data-chart="price"]').hover();
      const zoom = { from: Date.parse('2024-11-12T13:00:00Z') / 1000, to: Date.parse('2024-11-14T21:00:00Z') / 1000 };
      await page.evaluate(
        `window.SluiceReport.charts.find((c) => c.name === 'price').chart.timeScale().setVisibleRange(${JSON.stringify(zoom)})`,
      );
      await page.waitForTimeout(400);
      for (const c of (await timeCharts(page)).filter((x) => x.section === 'section-0')) {
        expect(Math.abs(c.range!.from - zoom.from), `${c.name} follows the zoom`).toBeLessThan(86_400);
        expect(Math.abs(c.range!.to - zoom.to), `${c.name} follows the zoom`).toBeLessThan(86_400);
        expect(c.labels![1], 'times of day once zoomed in').toBe('14:00');
      }
      expect(await page.locator('figure:has([data-chart="price"]) figcaption').innerText()).toMatch(
        /last [\d,]+\.\d\d \(close\)/,
      );
      expect(await page.locator('figure:has([data-chart="equity"]) figcaption').innerText()).toContain(
        `last ${best.metrics.final_equity.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
      );

      const pnls = readFileSync(join(dir, 'backtest', 'trades.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { pnl: number }).pnl);
      expect(await page.locator('table.trades tbody tr').count()).toBe(pnls.length);
      const pnlHeader = page.locator('table.trades th', { hasText: 'P&L' });
      const firstPnl = async () =>
        Number(
          (await page.locator('table.trades tbody tr').first().locator('td').nth(8).innerText()).replace(/,/g, ''),
        );
      await pnlHeader.click();
      expect(await pnlHeader.getAttribute('aria-sort')).toBe('descending');
      expect(await firstPnl()).toBeCloseTo(Math.max(...pnls), 2);
      await pnlHeader.click();
      expect(await firstPnl()).toBeCloseTo(Math.min(...pnls), 2);
      expect(errors).toEqual([]);
    });

    it('sweep of 1,000 combinations: heatmap, histogram, best table; the file stays small', async () => {
      const { dir } = await runWithReport('examples/spy-sma-crossover.yaml', [
        '--set',
        'sequence=parameter_sweep',
        '--set',
        'strategies[0].params.fast_period=range(2, 42, 1)',
        '--set',
        'strategies[0].params.slow_period=range(50, 300, 10)',
        '--set',
        'data.end=2024-04-20',
      ]);
      const aggregate = json(join(dir, 'backtest', 'aggregate_results.json'));
      expect(aggregate['iterations']).toHaveLength(1000);
      const bytes = statSync(join(dir, 'report.html')).size;
      expect(bytes).toBeLessThan(3 * 1024 * 1024);
      const { page, errors } = await open(join(dir, 'report.html'), 'report-sweep');
      expectAllDrawn(await inkPerChart(page), ['heatmap', 'histogram', 'equity', 'drawdown']);
      // Issue 19, item 11: every Sharpe of this grid is negative, so on a scale centred on
      // zero every cell is red (the grid-relative scale painted most of them green).
      const sharpes = (aggregate['iterations'] as { metrics: { sharpe_ratio: number } }[]).map(
        (it) => it.metrics.sharpe_ratio,
      );
      expect(Math.max(...sharpes)).toBeLessThan(0);
      const cells = (await page.evaluate(`(() => {
      const area = document.querySelector('[data-chart="heatmap"]');
      const canvas = area.querySelector('canvas');
      const ratio = canvas.width / canvas.clientWidth;
      const ctx = canvas.getContext('2d');
      return JSON.parse(area.dataset.cells || '[]').map(([x, y, v]) => { const d = ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data; return [v, d[0], d[1], d[2]]; });
    })()`)) as [number, number, number, number][];
      expect(cells.length).toBe(1000);
      const green = cells.filter(([, r, g]) => g > r);
      expect(green, 'cells drawn greener than red').toEqual([]);

      const top = page.locator('section#section-0 table.top tbody tr');
      expect(await top.count()).toBe(20);
      expect(await top.first().locator('td').nth(1).innerText()).toBe(aggregate['ranking'][0]);
      expect(errors).toEqual([]);
      // --x/--y choose the axes; an unknown one is a one-line error.
      expect(
        (await sluice(['report', dir, '--x', 'slow_period', '--y', 'fast_period', '--out', join(dir, 'swapped.html')]))
          .code,
      ).toBe(0);
      const bad = await sluice(['report', dir, '--x', 'fast']);
      expect(bad.code).toBe(1);
      expect(bad.out).toContain("no parameter 'fast'; it has fast_period, slow_period");
      console.log(`1,000-combination sweep report: ${(bytes / 1024).toFixed(0)} KB`);
    });

    it('composed workflow: a section per phase (optimize sweep and its best, validate)', async () => {
      const { dir } = await runWithReport('examples/spy-optimize.yaml');
      const { page, errors } = await open(join(dir, 'report.html'), 'report-workflow');
      const headings = await page.locator('section h2').allInnerTexts();
      expect(headings.some((h) => h.startsWith('Phase optimize — parameter sweep'))).toBe(true);
      expect(headings.some((h) => h.startsWith('Phase validate'))).toBe(true);
      expectAllDrawn(await inkPerChart(page), ['heatmap', 'histogram', 'price', 'equity', 'drawdown']);
      const validate = json(join(dir, 'validate', 'phase_summary.json'))['best'];
      const index = headings.findIndex((h) => h.startsWith('Phase validate'));
      expect(await cellText(page, 'total_return', index)).toBe(pct(validate.metrics.total_return));
      expect(errors).toEqual([]);
    });

    it('walk-forward: windows table, stitched out-of-sample equity, parameter stability', async () => {
      const { dir, out } = await runWithReport('examples/spy-walk-forward.yaml', ['--set', 'data.end=2024-10-01']);
      // Issue 19, item 11: `outputs:` prints a metrics object one metric per line, not as one raw JSON line.
      expect(out).toMatch(/\noutputs:\n {2}out_of_sample:\n {4}bars +\d+\n/);
      expect(out).toMatch(/\n {4}total_return +-?\d+\.\d+\n/);
      for (const l of out.split('\n')) expect(l.length, l.slice(0, 60)).toBeLessThan(160);
      const wf = json(join(dir, 'walk_forward', 'phase_summary.json'))['walk_forward'];
      const { page, errors } = await open(join(dir, 'report.html'), 'report-walk-forward');
      expectAllDrawn(await inkPerChart(page), ['equity', 'drawdown', 'stability-fast_period', 'stability-slow_period']);
      expect(await page.locator('table.windows tbody tr').count()).toBe(wf.per_window.length);
      expect(await cellText(page, 'total_return')).toBe(pct(wf.out_of_sample.total_return));
      const stability = await page.locator('table.stability tbody tr').first().innerText();
      expect(stability).toContain(String(wf.parameter_stability.fast_period.distinct));

      // Issue 19, item 11: both tables fit their card (no sideways scrolling, nothing cut off),
      // parameter charts tick at the values chosen (whole numbers), and each window's start is
      // marked on the stitched equity.
      const overflow = (selector: string) =>
        page.evaluate(
          `(() => { const t = document.querySelector(${JSON.stringify(selector)}); const w = t.closest('.table-wrap'); return { table: t.scrollWidth, wrap: w.clientWidth, cut: [...t.querySelectorAll('td, th')].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent) }; })()`,
        ) as Promise<{ table: number; wrap: number; cut: string[] }>;
      for (const table of ['table.windows', 'table.stability']) {
        const o = await overflow(table);
        expect(o.table, `${table} fits its card`).toBeLessThanOrEqual(o.wrap);
        expect(o.cut, `${table} cells cut off`).toEqual([]);
      }
      const chosenCell = await page.locator('table.stability tbody tr').first().locator('td').last().innerText();
      expect(chosenCell.replace(/\s+/g, ' ')).toBe(wf.parameter_stability.fast_period.values.join(' → '));
      for (const name of ['fast_period', 'slow_period']) {
        const ticks = JSON.parse(
          (await page.locator(`[data-chart="stability-${name}"]`).getAttribute('data-y-ticks'))!,
        ) as string[];
        expect(ticks, name).toEqual(
          [...new Set(wf.parameter_stability[name].values as number[])].sort((a, b) => a - b).map(String),
        );
      }
      const [stitched] = (await timeCharts(page)).filter((c) => c.name === 'equity');
      const marks = stitched!.series.find((x) => x.type === 'Histogram');
      expect(marks?.times).toEqual(
        wf.per_window.map((w: { test: { start: string } }) => Date.parse(w.test.start) / 1000),
      );

      const windowHeader = page.locator('table.windows th', { hasText: 'Out-of-sample return' });
      await windowHeader.click();
      const returns = wf.per_window.map(
        (w: { test: { metrics: { total_return: number } } }) => w.test.metrics.total_return,
      );
      expect(await page.locator('table.windows tbody tr').first().locator('td').nth(8).innerText()).toBe(
        pct(Math.max(...returns)),
      );
      expect(errors).toEqual([]);
    });

    it('Monte Carlo: equity bands and the drawdown distribution', async () => {
      const { dir } = await runWithReport('examples/spy-sma-crossover.yaml', [
        '--set',
        'sequence={type: monte_carlo, draws: 500, seed: 3}',
        '--set',
        'data.end=2024-10-01',
      ]);
      const mc = json(join(dir, 'backtest', 'phase_summary.json'))['monte_carlo'];
      expect(mc.paths.bands.p50.length).toBe(mc.paths.trade_index.length);
      const { page, errors } = await open(join(dir, 'report.html'), 'report-monte-carlo');
      expectAllDrawn(await inkPerChart(page), ['mc-bands', 'mc-drawdown', 'price', 'equity']);
      const row = page.locator('table.mc-stats tbody tr', { hasText: 'Total return' });
      const cells = await row.locator('td').allInnerTexts();
      expect(Number(cells[3])).toBeCloseTo(mc.total_return.p5 * 100, 2);
      expect(Number(cells[7])).toBeCloseTo(mc.total_return.p95 * 100, 2);
      expect(errors).toEqual([]);
    });

    /** A signal-generation run on the bundled bars (shared by the signal and replay tests). */
    const SIGNAL_END = '2024-10-01';
    let signalRun: Promise<{ dir: string; out: string }> | null = null;
    const signals = () =>
      (signalRun ??= runWithReport('examples/spy-sma-crossover.yaml', [
        '--set',
        'topology=signal_generation',
        '--set',
        `data.end=${SIGNAL_END}`,
      ]));

    it('signal generation: positions over time, signal counts and holding lengths, a link to the store (issue 19, item 9)', async () => {
      const { dir } = await signals();
      const meta = json(join(dir, 'signal_generation', 'signals', 'metadata.json'));
      const { page, errors } = await open(join(dir, 'report.html'), 'report-signals');
      expect(await page.locator('section h2').allInnerTexts()).toEqual(['signal_generation — signal generation']);
      expectAllDrawn(await inkPerChart(page), ['signals']);
      const href = await page.locator('a[data-store="metadata"]').getAttribute('href');
      expect(existsSync(join(dir, href!))).toBe(true);
      const row = await page.locator('table.signal-strategies tbody tr').first().locator('td').allInnerTexts();
      expect(row[0]).toBe(meta.strategies[0].id);
      expect(row[4]).toBe(String(meta.strategies[0].signal_rows));
      expect(Number(row[5]) + Number(row[6])).toBeLessThanOrEqual(meta.strategies[0].signal_rows);
      expect(Number(row[5])).toBeGreaterThan(0);
      expect(parseFloat(row[7]!) + parseFloat(row[8]!)).toBeLessThanOrEqual(100);
      for (const hold of row.slice(9, 12)) expect(Number(hold)).toBeGreaterThan(0);
      expect(errors).toEqual([]);

      // A run whose strategies never signalled says so instead of showing a blank page.
      const none = await runWithReport('examples/spy-sma-crossover.yaml', [
        '--set',
        'topology=signal_generation',
        '--set',
        'data.end=2024-03-26T15:00:00Z',
      ]);
      const empty = await open(join(none.dir, 'report.html'), 'report-signals-empty');
      expect(await empty.page.locator('section p.status').innerText()).toMatch(
        /^Nothing to show: No strategy changed its signal over the \d+ SPY bars/,
      );
      expect(empty.errors).toEqual([]);
    });

    it('replay variants: the best book shows its variant’s trades, equity and drawdown (issue 19, item 8)', async () => {
      const store = join((await signals()).dir, 'signal_generation');
      const config = join(mkdtempSync(join(tmpdir(), 'sluice-replay-')), 'replay.yaml');
      writeFileSync(
        config,
        [
          'name: spy_replay',
          'topology: signal_replay',
          `replay: { store: ${JSON.stringify(store)} }`,
          `data: { symbol: SPY, path: ${JSON.stringify(resolve('examples/data/SPY_5m.csv'))}, timeframe: 5m, calendar: us_equity, end: ${SIGNAL_END} }`,
          'portfolio: { initial_cash: 100000, sizing: { type: percent_equity, percent: 95 } }',
          'execution: { fill: next_open, slippage_bps: 1, commission: { per_share: 0.005, minimum: 1.0 } }',
          'replay_variants: [{ name: base }, { name: costly, execution: { slippage_bps: 10 } }]',
          '',
        ].join('\n'),
      );
      const { dir } = await runWithReport(config);
      const best = json(join(dir, 'signal_replay', 'phase_summary.json'))['best'];
      const variant = String(best.strategy_id).split('@')[1]!;
      const trades = readFileSync(join(dir, 'signal_replay', 'variants', variant, 'trades.ndjson'), 'utf8')
        .trim()
        .split('\n');
      expect(best.metrics.trade_count).toBe(trades.length);
      expect(trades.length).toBeGreaterThan(10);
      const { page, errors } = await open(join(dir, 'report.html'), 'report-replay-variants');
      const headings = await page.locator('section h2').allInnerTexts();
      const index = headings.findIndex((h) => h.includes(`best book ${best.strategy_id}`));
      expect(index, headings.join(' | ')).toBeGreaterThanOrEqual(0);
      const section = page.locator(`section#section-${index}`);
      expect(await section.locator('h3', { hasText: 'Trades (' }).innerText()).toContain(`Trades (${trades.length})`);
      expect(await section.locator('table.trades tbody tr').count()).toBe(trades.length);
      expect(await cellText(page, 'total_return', index)).toBe(pct(best.metrics.total_return));
      const charts = (await timeCharts(page)).filter((c) => c.section === `section-${index}`);
      const equity = charts.find((c) => c.name === 'equity')!.series[0]!;
      const drawdown = charts.find((c) => c.name === 'drawdown')!.series[0]!;
      // Not a flat line at the initial cash: the curve ends on the book's final equity.
      expect(equity.last.value).toBeCloseTo(best.metrics.final_equity, 2);
      expect(drawdown.n).toBeGreaterThan(100);
      expect(errors).toEqual([]);
      const drawdownLow = (await page.evaluate(
        `Math.min(...window.SluiceReport.charts.find((c) => c.section === 'section-${index}' && c.name === 'drawdown').series[0].data().map((p) => p.value))`,
      )) as number;
      expect(drawdownLow).toBeLessThan(-0.005);
    });

    it('compare: metrics side by side with the best marked, overlaid equity', async () => {
      const a = await runWithReport('examples/spy-sma-crossover.yaml', ['--set', 'data.end=2024-10-01']);
      const b = await runWithReport('examples/spy-sma-crossover.yaml', [
        '--set',
        'data.end=2024-10-01',
        '--set',
        'strategies[0].params.slow_period=60',
        '--storage',
        'disk',
      ]);
      const out = join(a.dir, 'compare.html');
      const cmd = await sluice(['compare', a.dir, b.dir, '--out', out]);
      expect(cmd.code).toBe(0);
      const ma = json(join(a.dir, 'backtest', 'phase_summary.json'))['best'].metrics;
      const mb = json(join(b.dir, 'backtest', 'phase_summary.json'))['best'].metrics;
      const { page, errors } = await open(out, 'report-compare');
      expectAllDrawn(await inkPerChart(page), ['compare-equity']);
      const sharpe = page.locator('td[data-metric="sharpe_ratio"]');
      expect(await sharpe.count()).toBe(2);
      const bestIndex = ma.sharpe_ratio >= mb.sharpe_ratio ? 0 : 1;
      expect(await sharpe.nth(bestIndex).getAttribute('class')).toContain('best');
      expect(await sharpe.nth(1 - bestIndex).getAttribute('class')).toContain('worst');
      expect(await page.locator('td[data-metric="total_return"]').nth(1).innerText()).toContain(pct(mb.total_return));
      expect(await page.locator('td[data-metric="total_return"]').nth(1).innerText()).toContain('Δ');
      // Issue 19, item 10: each curve ends on its run's last bar, which is the table's total return.
      const [overlay] = (await timeCharts(page)).filter((c) => c.name === 'compare-equity');
      expect(overlay!.series).toHaveLength(2);
      for (const [i, m] of [ma, mb].entries()) {
        expect(pct(overlay!.series[i]!.last.value!), `run ${i} last point`).toBe(pct(m.total_return));
        expect(overlay!.series[i]!.last.time).toBe(m.end_ts / 1000);
      }
      expect(errors).toEqual([]);
    });
  },
);
