// Sluice report page, part 2: reads the embedded data (script#report-data) and builds
// one block per section — backtest, sweep, walk-forward, Monte Carlo, status, compare —
// with lightweight-charts for time series and report-core.js for the rest.
'use strict';

(() => {
  const { COLORS, fmt, el, sortableTable, heatmap, histogram, binCounts, xyChart, chartBox, laneChart } = window.SluiceReport;
  const LC = window.LightweightCharts;
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const root = document.getElementById('report');
  const pending = [];

  /** Every time chart drawn: its name, section, chart and series (the tests read them). */
  const charts = [];
  window.SluiceReport.charts = charts;
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  /** Width of every time chart's price axis, so charts stacked in a section share their plot's left and right edges. */
  const PRICE_AXIS_WIDTH = 84;

  /**
   * Time-axis labels that never mix kinds: years, months and days always as dates ("Mar 12",
   * never a bare "12" that reads like an hour), and times of day ("14:30", UTC) only once
   * the view spans less than five days; over a longer view a time tick has no label.
   */
  function tickLabel(chart) {
    return (time, type) => {
      const d = new Date(time * 1000);
      const date = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
      if (type === 0) return String(d.getUTCFullYear());
      if (type === 1) return MONTHS[d.getUTCMonth()];
      if (type === 2) return date;
      const range = chart.timeScale().getVisibleRange();
      const span = range ? range.to - range.from : Infinity;
      return span < 5 * 86400 ? d.toISOString().slice(11, 16) : '';
    };
  }

  /**
   * A time-series chart of the library in `area`, drawn once the area has its width.
   * `group`: charts of one group open on the same time range (`range`, else the widest
   * series of the group) and scroll and zoom together, so stacked charts line up in time.
   */
  function timeChart(area, height, build, group) {
    area.style.height = `${height}px`;
    pending.push(() => {
      const chart = LC.createChart(area, {
        autoSize: true,
        layout: { background: { color: '#ffffff' }, textColor: '#374151', fontSize: 11, attributionLogo: false },
        grid: { vertLines: { color: '#f3f4f6' }, horzLines: { color: '#f3f4f6' } },
        rightPriceScale: { borderColor: '#e5e7eb', minimumWidth: PRICE_AXIS_WIDTH },
        timeScale: { borderColor: '#e5e7eb', timeVisible: true, secondsVisible: false },
        localization: { timeFormatter: (t) => `${new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` },
        crosshair: { mode: 0 },
      });
      chart.applyOptions({ timeScale: { tickMarkFormatter: tickLabel(chart) } });
      build(chart);
      const section = area.closest('section');
      const entry = { name: area.dataset.chart, section: section ? section.id : null, chart, series: chart.panes()[0].getSeries(), group: group || null };
      charts.push(entry);
      chart.timeScale().fitContent();
      if (group) group.add(entry);
    });
  }

  /** A set of time charts that open on one range and move together (see timeChart). */
  function chartGroup(range) {
    const members = [];
    // Only the chart under the user's pointer leads: the library reports range changes
    // asynchronously, so letting every member propagate would bounce ranges between charts
    // whose points differ (each snaps the range to its own bars) and drift.
    let leader = null;
    return {
      add(entry) {
        members.push(entry);
        const area = entry.chart.chartElement().parentElement;
        for (const type of ['pointerenter', 'pointerdown', 'wheel', 'touchstart']) area.addEventListener(type, () => { leader = entry; }, { passive: true });
        entry.chart.timeScale().subscribeVisibleTimeRangeChange((r) => {
          if (leader !== entry || !r) return;
          for (const m of members) if (m !== entry) m.chart.timeScale().setVisibleRange(r);
        });
      },
      /** Once every member is drawn: all open on `range`. */
      open() {
        if (members.length === 0 || !range) return;
        leader = null;
        for (const m of members) m.chart.timeScale().setVisibleRange(range);
      },
    };
  }
  const groups = [];

  /** The time span of some series of [time, …] tuples: the range a group of charts opens on. */
  function spanOf(...lists) {
    let from = Infinity; let to = -Infinity;
    for (const l of lists) if (l && l.length > 0) { from = Math.min(from, l[0][0]); to = Math.max(to, l[l.length - 1][0]); }
    return from <= to ? { from, to } : null;
  }

  /** A caption's tail with a series' last value, shown there rather than as a label on the axis (where it covers the axis' own labels). */
  const lastOf = (list, i, format) => (list && list.length > 0 ? ` — last ${format(list[list.length - 1][i])}` : '');
  const NO_AXIS_LABEL = { lastValueVisible: false, priceLineVisible: false };

  const percentFormat = { type: 'custom', minMove: 0.0001, formatter: (v) => `${(v * 100).toFixed(2)}%` };
  const line = (points) => points.map(([time, value]) => ({ time, value }));

  const money = (v) => v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pct = (v) => `${(v * 100).toFixed(2)}%`;

  /** Equity and drawdown charts; `extra(chart, series)` may add to the equity chart (window boundaries). */
  function equityAndDrawdown(parent, equity, drawdown, what, group, extra, more) {
    if (equity) {
      const { box, area } = chartBox(`${what} equity${lastOf(equity, 1, money)}${more || ''}`, 'equity');
      parent.append(box);
      timeChart(area, 260, (chart) => {
        const series = chart.addSeries(LC.AreaSeries, { lineColor: '#2563eb', topColor: 'rgba(37,99,235,0.25)', bottomColor: 'rgba(37,99,235,0.02)', lineWidth: 2, priceFormat: { type: 'price', precision: 0, minMove: 1 }, ...NO_AXIS_LABEL });
        series.setData(line(equity));
        if (extra) extra(chart, series);
      }, group);
    }
    if (drawdown) {
      const { box, area } = chartBox(`Drawdown (below the running peak)${lastOf(drawdown, 1, pct)}`, 'drawdown');
      parent.append(box);
      timeChart(area, 170, (chart) => void chart.addSeries(LC.AreaSeries, { lineColor: '#dc2626', topColor: 'rgba(220,38,38,0.05)', bottomColor: 'rgba(220,38,38,0.35)', lineWidth: 1, invertFilledArea: true, priceFormat: percentFormat, ...NO_AXIS_LABEL }).setData(line(drawdown)), group);
    }
  }

  /** The metrics table: every metric with its definition on hover, the primary one marked. */
  function metricsTable(metrics, primary) {
    const rows = Object.keys(data.metrics).filter((m) => m in metrics).map((m) => {
      const meta = data.metrics[m];
      return el('tr', { class: m === primary ? 'primary' : null },
        el('th', { title: meta.definition, 'data-metric': m }, el('span', { class: 'has-def' }, meta.label), m === primary ? el('span', { class: 'badge' }, 'primary') : null),
        el('td', { class: 'num', 'data-metric': m }, fmt(metrics[m], meta.format)));
    });
    return el('table', { class: 'metrics' }, el('tbody', null, rows));
  }

  function monthlyTable(years) {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const cell = (v) => el('td', { class: `num ${v === null ? '' : v > 0 ? 'pos' : v < 0 ? 'neg' : ''}`, style: v === null ? null : `background:${shade(v)}` }, v === null ? '' : `${(v * 100).toFixed(2)}%`);
    return el('div', { class: 'table-wrap' }, el('table', { class: 'data monthly' },
      el('thead', null, el('tr', null, el('th', null, 'Year'), months.map((m) => el('th', { class: 'num' }, m)), el('th', { class: 'num' }, 'Year'))),
      el('tbody', null, years.map((y) => el('tr', null, el('th', null, String(y.year)), y.months.map(cell), cell(y.total))))));
  }

  function shade(v) {
    const a = Math.min(0.45, Math.abs(v) * 6);
    return v >= 0 ? `rgba(22,163,74,${a})` : `rgba(220,38,38,${a})`;
  }

  function notes(list) {
    return list.length === 0 ? null : el('ul', { class: 'notes' }, list.map((n) => el('li', null, n)));
  }

  const render = {
    backtest(s, sec) {
      // Price, equity and drawdown open on the same period and scroll together.
      const group = chartGroup(spanOf(s.price && s.price.candles, s.equity, s.drawdown));
      groups.push(group);
      if (s.price) {
        const { box, area } = chartBox(`${s.price.symbol} price, entries ▲▼ and exits ●${lastOf(s.price.candles, 4, money)} (close)`, 'price', [['long entry', '#16a34a'], ['short entry', '#dc2626'], ['exit', '#6b7280']]);
        sec.append(box);
        timeChart(area, 340, (chart) => {
          const series = chart.addSeries(LC.CandlestickSeries, { upColor: '#16a34a', downColor: '#dc2626', borderVisible: false, wickUpColor: '#16a34a', wickDownColor: '#dc2626', ...NO_AXIS_LABEL });
          series.setData(s.price.candles.map(([time, open, high, low, close]) => ({ time, open, high, low, close })));
          LC.createSeriesMarkers(series, s.price.markers.map((m) => (m.kind === 'exit'
            ? { time: m.time, position: 'aboveBar', color: '#6b7280', shape: 'circle', size: 0.6 }
            : { time: m.time, position: m.kind === 'entry_long' ? 'belowBar' : 'aboveBar', color: m.kind === 'entry_long' ? '#16a34a' : '#dc2626', shape: m.kind === 'entry_long' ? 'arrowUp' : 'arrowDown', size: 0.8 })));
        }, group);
      }
      equityAndDrawdown(sec, s.equity, s.drawdown, 'Book', group);
      const side = el('div', { class: 'two-col narrow-left' },
        el('div', null, el('h3', null, 'Metrics'), metricsTable(s.metrics, s.primary_metric)),
        el('div', null, el('h3', null, 'Monthly returns'), s.monthly.length > 0 ? monthlyTable(s.monthly) : el('p', { class: 'note' }, 'No equity curve to measure months on.')));
      sec.append(side, el('h3', null, `Trades (${(s.trades.total ?? s.trades.rows.length).toLocaleString('en-US')}) — click a header to sort`), sortableTable(s.trades, { class: 'trades', signed: true }));
    },

    sweep(s, sec) {
      const px = s.x === null ? -1 : s.params.indexOf(s.x);
      const py = s.y === null ? -1 : s.params.indexOf(s.y);
      const row = el('div', { class: 'two-col' });
      if (px >= 0 && py >= 0) {
        const sortValues = (i) => [...new Set(s.combos.map((c) => c.p[i]))].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
        const xs = sortValues(px); const ys = sortValues(py);
        const cells = {};
        const better = (a, b) => (s.higher_is_better ? a > b : a < b);
        for (const c of s.combos) {
          if (c.v === null) continue;
          const key = `${xs.indexOf(c.p[px])},${ys.indexOf(c.p[py])}`;
          if (!(key in cells) || better(c.v, cells[key])) cells[key] = c.v;
        }
        const { box, area } = chartBox(`${s.primary_metric} over ${s.x} × ${s.y} (best cell outlined; ${s.neutral === null ? 'colours relative to this grid' : `pale at ${fmt(s.neutral, 'ratio')}, green better, red worse`})`, 'heatmap');
        row.append(box);
        pending.push(() => heatmap(area, xs, ys, cells, { xLabel: s.x, yLabel: s.y, higherIsBetter: s.higher_is_better, neutral: s.neutral }));
      }
      const values = s.combos.map((c) => c.v).filter((v) => v !== null);
      if (values.length > 0) {
        const { box, area } = chartBox(`Distribution of ${s.primary_metric} over ${s.combos.length.toLocaleString('en-US')} combinations`, 'histogram');
        row.append(box);
        const bins = Math.max(5, Math.min(40, Math.ceil(Math.sqrt(values.length))));
        pending.push(() => { const h = binCounts(values, bins); histogram(area, h.counts, h.min, h.max, { format: 'ratio', xLabel: s.primary_metric, mark: null }); });
      }
      sec.append(row, el('h3', null, `Best ${Math.min(s.top.rows.length, s.combos.length)} combinations by ${s.primary_metric}`), sortableTable(s.top, { class: 'top' }));
    },

    walk_forward(s, sec) {
      const group = chartGroup(spanOf(s.equity, s.drawdown));
      groups.push(group);
      // Where each window's test period starts: thin grey lines across the equity chart
      // (a histogram on its own hidden scale, full height at each start).
      const boundaries = (chart) => {
        if (!s.boundaries || s.boundaries.length === 0) return;
        const marks = chart.addSeries(LC.HistogramSeries, { priceScaleId: 'windows', color: 'rgba(75,85,99,0.45)', base: 0, ...NO_AXIS_LABEL, priceFormat: { type: 'volume' } });
        chart.priceScale('windows').applyOptions({ visible: false, scaleMargins: { top: 0, bottom: 0 } });
        marks.setData(s.boundaries.map((b) => ({ time: b.time, value: 1 })));
      };
      equityAndDrawdown(sec, s.equity, s.drawdown, 'Stitched out-of-sample', group, boundaries, s.boundaries && s.boundaries.length > 0 ? ` (grey lines: where each of the ${s.boundaries.length} test windows starts)` : '');
      sec.append(el('div', { class: 'two-col narrow-left' },
        el('div', null, el('h3', null, 'Out-of-sample metrics (stitched)'), metricsTable(s.metrics, s.primary_metric)),
        el('div', null, el('h3', null, 'Parameter stability'), sortableTable(s.stability, { class: 'stability' }), stabilityChart(s))));
      sec.append(el('h3', null, 'Windows: in sample (train) and out of sample (test)'), sortableTable(s.windows, { class: 'windows', signed: true }));
    },

    monte_carlo(s, sec) {
      const row = el('div', { class: 'two-col' });
      if (s.trade_index.length > 1) {
        const e0 = s.initial_equity;
        const band = (lo, hi) => s.trade_index.map((x, i) => [x, s.bands[lo][i] * e0, s.bands[hi][i] * e0]);
        const { box, area } = chartBox('Bootstrapped equity: 5–95 % and 25–75 % bands, median, actual', 'mc-bands', [['5–95 %', 'rgba(37,99,235,0.15)'], ['25–75 %', 'rgba(37,99,235,0.35)'], ['median', '#1d4ed8'], ['actual', '#dc2626']]);
        row.append(box);
        pending.push(() => xyChart(area, {
          format: 'int', xLabel: 'trades', height: 300,
          bands: [{ points: band('p5', 'p95'), color: 'rgba(37,99,235,0.15)' }, { points: band('p25', 'p75'), color: 'rgba(37,99,235,0.35)' }],
          lines: [{ points: s.trade_index.map((x, i) => [x, s.bands.p50[i] * e0]), color: '#1d4ed8' }, { points: s.trade_index.map((x, i) => [x, s.actual[i] * e0]), color: '#dc2626', width: 2 }],
        }));
      }
      if (s.histogram.counts.length > 0) {
        const { box, area } = chartBox('Max drawdown across draws (dashed: actual)', 'mc-drawdown');
        row.append(box);
        pending.push(() => histogram(area, s.histogram.counts, s.histogram.min, s.histogram.max, { format: 'percent', xLabel: 'max drawdown (trade by trade)', mark: s.histogram.actual, markLabel: 'actual', color: '#dc2626' }));
      }
      sec.append(row, el('h3', null, 'Bootstrap statistics'), sortableTable(s.stats, { class: 'mc-stats' }));
    },

    signals(s, sec) {
      if (s.store) {
        sec.append(el('p', { class: 'store' }, 'Signal store: ', el('a', { href: s.store.href, 'data-store': 'folder' }, s.store.path), ' (',
          el('a', { href: `${s.store.href}metadata.json`, 'data-store': 'metadata' }, 'metadata.json'),
          `) — ${s.store.rows.toLocaleString('en-US')} signal rows, ${s.store.regime_rows.toLocaleString('en-US')} regime rows, ${s.store.strategies} strateg${s.store.strategies === 1 ? 'y' : 'ies'}, ${s.store.classifiers} classifier${s.store.classifiers === 1 ? '' : 's'}. `,
          'Replay it under other portfolio, risk or execution settings with ', el('code', null, 'topology: signal_replay'), ' and ', el('code', null, `replay.store: ${s.store.path}`), ' (docs/replay.md).'));
      }
      if (s.empty) {
        sec.append(el('p', { class: 'status empty' }, `Nothing to show: ${s.empty}`));
        return;
      }
      if (s.span && s.lanes.length > 0) {
        const { box, area } = chartBox('Position of each strategy over time', 'signals', [['long', '#16a34a'], ['short', '#dc2626'], ['flat', '#f3f4f6']]);
        sec.append(box);
        pending.push(() => laneChart(area, s.lanes, s.span, (v) => (v > 0 ? '#16a34a' : '#dc2626')));
      }
      if (s.span && s.regime_lanes.length > 0) {
        const names = [...new Set(s.regime_lanes.flatMap((l) => l.labels))];
        const colour = (name) => COLORS[names.indexOf(name) % COLORS.length];
        const { box, area } = chartBox('Regime of each classifier over time', 'regimes', names.map((n) => [n, colour(n)]));
        sec.append(box);
        pending.push(() => laneChart(area, s.regime_lanes.map((l) => ({ label: l.label, periods: l.periods.map(([a, b, i]) => [a, b, l.labels[i]]) })), s.span, colour));
      }
      sec.append(el('h3', null, 'Signals per strategy: changes, entries, time in the market, holding lengths'), sortableTable(s.strategies, { class: 'signal-strategies' }));
      if (s.regimes.rows.length > 0) sec.append(el('h3', null, 'Regimes per classifier'), sortableTable(s.regimes, { class: 'regimes' }));
    },

    status(s, sec) {
      sec.append(el('p', { class: `status ${s.status}` }, `${s.status}${s.reason ? `: ${s.reason}` : ''}`));
    },

    compare(s, sec) {
      const legend = s.runs.map((r, i) => [r.label, COLORS[i % COLORS.length]]);
      const { box, area } = chartBox('Equity as return from the start', 'compare-equity', legend);
      sec.append(box);
      timeChart(area, 300, (chart) => s.runs.forEach((r, i) => { if (r.returns) chart.addSeries(LC.LineSeries, { color: COLORS[i % COLORS.length], lineWidth: 2, priceFormat: percentFormat, title: '' }).setData(line(r.returns)); }));
      sec.append(el('h3', null, 'Metrics (best per row in green, worst in red; Δ against the first run)'), compareTable(s.runs));
    },
  };

  /** One small chart per numeric parameter: the value each window chose, in its own units. */
  function stabilityChart(s) {
    const series = s.stability_series.filter((p) => p.values.some((v) => v !== null));
    if (series.length === 0) return null;
    const wrap = el('div', null);
    series.forEach((p, i) => {
      const { box, area } = chartBox(`${p.name} chosen per window`, `stability-${p.name}`);
      wrap.append(box);
      const points = p.values.map((v, w) => [w, v]).filter(([, v]) => v !== null);
      const distinct = [...new Set(points.map(([, v]) => v))].sort((a, b) => a - b);
      const integer = distinct.every((v) => Number.isInteger(v));
      // A grid parameter takes few values: label exactly those; else whole-number ticks for an integer one.
      pending.push(() => xyChart(area, { format: 'count', integer, yTicks: distinct.length <= 6 ? distinct : null, xLabel: 'window', height: 130, lines: [{ color: COLORS[i % COLORS.length], points, width: 2 }] }));
    });
    return wrap;
  }

  function compareTable(runs) {
    const names = Object.keys(data.metrics).filter((m) => runs.some((r) => r.metrics[m] !== null && r.metrics[m] !== undefined));
    const head = el('tr', null, el('th', null, 'Metric'), runs.map((r, i) => el('th', { class: 'num', style: `border-bottom:3px solid ${COLORS[i % COLORS.length]}` }, r.label)));
    const body = names.map((m) => {
      const meta = data.metrics[m];
      const vals = runs.map((r) => r.metrics[m] ?? null);
      const finite = vals.filter((v) => v !== null);
      const best = meta.direction === 'higher' ? Math.max(...finite) : meta.direction === 'lower' ? Math.min(...finite) : null;
      const worst = meta.direction === 'higher' ? Math.min(...finite) : meta.direction === 'lower' ? Math.max(...finite) : null;
      return el('tr', null, el('th', { title: meta.definition }, el('span', { class: 'has-def' }, meta.label)), vals.map((v, i) => {
        const cls = finite.length > 1 && best !== worst && v !== null ? (v === best ? 'best' : v === worst ? 'worst' : '') : '';
        const base = vals[0];
        const delta = i > 0 && v !== null && base !== null && meta.format !== 'time' ? el('span', { class: 'delta' }, ` Δ ${v - base >= 0 ? '+' : ''}${fmt(v - base, meta.format)}`) : null;
        return el('td', { class: `num ${cls}`.trim(), 'data-metric': m }, fmt(v, meta.format), delta);
      }));
    });
    return el('div', { class: 'table-wrap' }, el('table', { class: 'data compare' }, el('thead', null, head), el('tbody', null, body)));
  }

  for (const [i, s] of data.sections.entries()) {
    const sec = el('section', { class: `section ${s.kind}`, id: `section-${i}`, 'data-kind': s.kind }, el('h2', null, s.heading));
    root.append(sec);
    render[s.kind](s, sec);
    const n = notes(s.notes || []);
    if (n) sec.append(n);
  }
  // Draw once the layout has settled so every chart knows its width; tests wait on this flag.
  requestAnimationFrame(() => {
    for (const draw of pending) draw();
    for (const g of groups) g.open();
    requestAnimationFrame(() => requestAnimationFrame(() => { document.body.dataset.ready = 'true'; }));
  });
})();
