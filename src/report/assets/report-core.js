// Sluice report page, part 1: formatting, DOM helpers, sortable tables and the small
// canvas charts (heatmap, histogram, x/y lines and bands) the chart library does not
// draw. Plain browser JavaScript, inlined into the report by src/report/render-html.ts;
// part 2 (report.js) builds the sections from the embedded data.
'use strict';

window.SluiceReport = (() => {
  const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

  /** A value in a metric format; '—' for null. */
  function fmt(v, format) {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '—';
    if (typeof v !== 'number') return String(v);
    switch (format) {
      case 'percent': return `${(v * 100).toFixed(2)}%`;
      case 'money': return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      case 'count': return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
      case 'int': return Math.round(v).toLocaleString('en-US');
      case 'days': return `${v.toFixed(1)} d`;
      case 'time': return new Date(v).toISOString().slice(0, 16).replace('T', ' ');
      case 'text': return String(v);
      default: return Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 2 }) : v.toFixed(Math.abs(v) < 0.01 && v !== 0 ? 5 : 3);
    }
  }

  /** An element with attributes (`class`, `title`, data-…, on…) and children (nodes or text). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  /**
   * A table whose rows sort by a column when its header is clicked (again: the other way).
   * Numbers sort as numbers, empty cells last; the sort is stable.
   */
  function sortableTable(data, opts) {
    const options = opts || {};
    const body = el('tbody');
    let rows = data.rows.slice();
    let sortCol = -1;
    let ascending = true;
    const headers = data.columns.map((c, i) => el('th', {
      class: `${c.format === 'text' ? 'sortable' : 'sortable num'}${c.wrap ? ' wrap' : ''}`,
      title: `Sort by ${c.label}`,
      onclick: () => {
        ascending = sortCol === i ? !ascending : c.format === 'text';
        sortCol = i;
        rows = rows
          .map((r, k) => [r, k])
          .sort(([a, ka], [b, kb]) => compare(a[i], b[i], ascending) || ka - kb)
          .map(([r]) => r);
        headers.forEach((h, j) => h.setAttribute('aria-sort', j === i ? (ascending ? 'ascending' : 'descending') : 'none'));
        fill();
      },
    }, c.label));
    const fill = () => {
      body.replaceChildren(...rows.map((r) => el('tr', null, r.map((v, i) => {
        const format = data.columns[i].format;
        const cls = [format === 'text' ? '' : 'num', data.columns[i].wrap ? 'wrap' : '', options.signed && typeof v === 'number' && format !== 'count' ? (v > 0 ? 'pos' : v < 0 ? 'neg' : '') : ''].join(' ').replace(/ +/g, ' ').trim();
        return el('td', { class: cls || null }, fmt(v, format));
      }))));
    };
    fill();
    const table = el('table', { class: `data ${options.class || ''}` }, el('thead', null, el('tr', null, headers)), body);
    const wrap = el('div', { class: 'table-wrap' }, table);
    if (data.total !== undefined && data.total > data.rows.length) {
      return el('div', null, wrap, el('p', { class: 'note' }, `Showing ${data.rows.length.toLocaleString('en-US')} of ${data.total.toLocaleString('en-US')} rows.`));
    }
    return wrap;
  }

  function compare(a, b, ascending) {
    const ea = a === null || a === undefined || a === '';
    const eb = b === null || b === undefined || b === '';
    if (ea || eb) return ea === eb ? 0 : ea ? 1 : -1;
    const d = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true });
    return ascending ? d : -d;
  }

  /** A canvas sized to its box at the device's pixel ratio, and its 2D context in CSS pixels. */
  function canvasIn(container, height) {
    const width = Math.max(200, container.clientWidth || 600);
    const ratio = window.devicePixelRatio || 1;
    const canvas = el('canvas', { width: Math.round(width * ratio), height: Math.round(height * ratio), style: `width:${width}px;height:${height}px` });
    container.append(canvas);
    const ctx = canvas.getContext('2d');
    ctx.scale(ratio, ratio);
    ctx.font = '11px system-ui, sans-serif';
    return { canvas, ctx, width, height };
  }

  /** Red (bad) → pale → green (good) for t in [0, 1]. */
  function divergingColor(t) {
    const c = Math.max(0, Math.min(1, t));
    const lerp = (a, b, u) => Math.round(a + (b - a) * u);
    if (c < 0.5) { const u = c / 0.5; return `rgb(${lerp(215, 247, u)},${lerp(48, 247, u)},${lerp(39, 247, u)})`; }
    const u = (c - 0.5) / 0.5;
    return `rgb(${lerp(247, 26, u)},${lerp(247, 152, u)},${lerp(247, 80, u)})`;
  }

  /** A heatmap of `cells` (keyed `xi,yi`) over sorted axis values; the best cell outlined. */
  function heatmap(container, xs, ys, cells, opts) {
    const left = 70; const bottom = 40; const top = 10; const right = 90;
    const { ctx, width, height } = canvasIn(container, Math.min(560, Math.max(220, ys.length * 26 + top + bottom)));
    const cw = (width - left - right) / xs.length;
    const ch = (height - top - bottom) / ys.length;
    const values = Object.values(cells).filter((v) => v !== null);
    // With a neutral value (0 for Sharpe) the scale is centred on it, symmetric, so an
    // all-negative grid is all red; without one the colours span the grid's own range.
    const centred = opts.neutral !== null && opts.neutral !== undefined;
    const reach = centred ? Math.max(...values.map((v) => Math.abs(v - opts.neutral))) : 0;
    const lo = centred ? opts.neutral - reach : Math.min(...values);
    const hi = centred ? opts.neutral + reach : Math.max(...values);
    const norm = (v) => (hi === lo ? (centred ? 0.5 : 1) : opts.higherIsBetter ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo));
    const drawn = [];
    let best = null;
    for (let xi = 0; xi < xs.length; xi++) for (let yi = 0; yi < ys.length; yi++) {
      const v = cells[`${xi},${yi}`];
      const x = left + xi * cw; const y = top + (ys.length - 1 - yi) * ch;
      ctx.fillStyle = v === undefined || v === null ? '#e5e7eb' : divergingColor(norm(v));
      ctx.fillRect(x, y, Math.ceil(cw), Math.ceil(ch));
      if (v !== undefined && v !== null) drawn.push([Math.round(x + cw / 2), Math.round(y + ch / 2), v]);
      if (v !== undefined && v !== null && (best === null || norm(v) > norm(best.v))) best = { v, x, y };
      if (v !== undefined && v !== null && cw > 38 && ch > 14) {
        ctx.fillStyle = '#111827'; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        ctx.fillText(fmt(v, 'ratio').slice(0, 7), x + cw / 2, y + ch / 2);
      }
    }
    if (best !== null) { ctx.strokeStyle = '#111827'; ctx.lineWidth = 2; ctx.strokeRect(best.x + 1, best.y + 1, cw - 2, ch - 2); }
    ctx.fillStyle = '#374151'; ctx.textBaseline = 'middle';
    const stepX = Math.ceil(xs.length / Math.max(1, Math.floor((width - left - right) / 40)));
    ctx.textAlign = 'center';
    xs.forEach((v, i) => { if (i % stepX === 0) ctx.fillText(String(v), left + i * cw + cw / 2, height - bottom + 12); });
    ctx.fillText(opts.xLabel, left + (width - left - right) / 2, height - 10);
    const stepY = Math.ceil(ys.length / Math.max(1, Math.floor((height - top - bottom) / 16)));
    ctx.textAlign = 'right';
    ys.forEach((v, i) => { if (i % stepY === 0) ctx.fillText(String(v), left - 6, top + (ys.length - 1 - i) * ch + ch / 2); });
    ctx.save(); ctx.translate(12, top + (height - top - bottom) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = 'center'; ctx.fillText(opts.yLabel, 0, 0); ctx.restore();
    // Colour scale.
    const sx = width - right + 20; const sh = height - top - bottom;
    for (let i = 0; i < sh; i++) { ctx.fillStyle = divergingColor(opts.higherIsBetter ? 1 - i / sh : i / sh); ctx.fillRect(sx, top + i, 14, 1); }
    ctx.fillStyle = '#374151'; ctx.textAlign = 'left';
    ctx.fillText(fmt(opts.higherIsBetter ? hi : lo, 'ratio'), sx + 18, top + 6);
    ctx.fillText(fmt(opts.higherIsBetter ? lo : hi, 'ratio'), sx + 18, top + sh - 6);
    if (centred) ctx.fillText(fmt(opts.neutral, 'ratio'), sx + 18, top + sh / 2);
    // Cell centres (CSS pixels) and values, for the tests.
    container.dataset.cells = JSON.stringify(drawn);
  }

  /** Bars of `counts` over [min, max]; a dashed line at `mark` (e.g. the actual value). */
  function histogram(container, counts, min, max, opts) {
    const left = 44; const bottom = 34; const top = 10; const right = 28;
    const { ctx, width, height } = canvasIn(container, 220);
    const w = (width - left - right) / Math.max(1, counts.length);
    const peak = Math.max(1, ...counts);
    const y = (c) => top + (height - top - bottom) * (1 - c / peak);
    ctx.fillStyle = opts.color || '#2563eb';
    counts.forEach((c, i) => { if (c > 0) ctx.fillRect(left + i * w + 0.5, y(c), Math.max(1, w - 1), height - bottom - y(c)); });
    ctx.strokeStyle = '#9ca3af'; ctx.beginPath(); ctx.moveTo(left, height - bottom); ctx.lineTo(width - right, height - bottom); ctx.stroke();
    ctx.fillStyle = '#374151'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (let k = 0; k <= 4; k++) ctx.fillText(fmt(min + ((max - min) * k) / 4, opts.format), left + ((width - left - right) * k) / 4, height - bottom + 4);
    ctx.fillText(opts.xLabel, left + (width - left - right) / 2, height - 14);
    ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    ctx.fillText(String(peak), left - 6, top + 4); ctx.fillText('0', left - 6, height - bottom);
    if (opts.mark !== null && opts.mark !== undefined && max > min) {
      const x = left + ((opts.mark - min) / (max - min)) * (width - left - right);
      ctx.strokeStyle = '#dc2626'; ctx.setLineDash([4, 3]); ctx.beginPath(); ctx.moveTo(x, top); ctx.lineTo(x, height - bottom); ctx.stroke(); ctx.setLineDash([]);
      ctx.fillStyle = '#dc2626'; ctx.textAlign = 'left'; ctx.fillText(opts.markLabel || '', Math.min(x + 4, width - 80), top + 8);
    }
  }

  /** Counts of `values` in `bins` equal bins. */
  function binCounts(values, bins) {
    const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
    const min = Math.min(...finite); const max = Math.max(...finite);
    const counts = new Array(bins).fill(0);
    for (const v of finite) counts[max > min ? Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins)) : 0]++;
    return { counts, min, max };
  }

  /**
   * Lines and filled bands over a numeric x axis: `bands` are [x, low, high] triples,
   * `lines` [x, y] pairs; y ticks in `format`.
   */
  function xyChart(container, spec) {
    const left = 70; const bottom = 34; const top = 10; const right = 14;
    const { ctx, width, height } = canvasIn(container, spec.height || 280);
    const xsAll = []; const ysAll = [];
    for (const b of spec.bands || []) for (const [x, l, h] of b.points) { xsAll.push(x); ysAll.push(l, h); }
    for (const l of spec.lines || []) for (const [x, y] of l.points) { xsAll.push(x); ysAll.push(y); }
    const x0 = Math.min(...xsAll); const x1 = Math.max(...xsAll);
    let y0 = Math.min(...ysAll); let y1 = Math.max(...ysAll);
    if (y0 === y1) { y0 -= 1; y1 += 1; }
    const pad = (y1 - y0) * 0.05; y0 -= pad; y1 += pad;
    const px = (x) => left + (x1 === x0 ? 0 : ((x - x0) / (x1 - x0)) * (width - left - right));
    const py = (y) => top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom);
    ctx.strokeStyle = '#e5e7eb'; ctx.fillStyle = '#374151'; ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
    // `yTicks`: the values to label (a parameter's chosen values); `integer`: whole-number
    // ticks only (an integer parameter never gets a 16.63 tick); else five even ticks.
    let yTicks;
    if (spec.yTicks) yTicks = spec.yTicks;
    else if (spec.integer) {
      const raw = (y1 - y0) / 4;
      const mag = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
      const step = Math.max(1, [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag);
      yTicks = [];
      for (let v = Math.ceil(y0 / step) * step; v <= y1; v += step) yTicks.push(v);
    } else yTicks = [0, 1, 2, 3, 4].map((k) => y0 + ((y1 - y0) * k) / 4);
    const yFormat = spec.integer ? 'int' : spec.format;
    for (const v of yTicks) {
      ctx.beginPath(); ctx.moveTo(left, py(v)); ctx.lineTo(width - right, py(v)); ctx.stroke();
      ctx.fillText(fmt(v, yFormat), left - 6, py(v));
    }
    container.dataset.yTicks = JSON.stringify(yTicks.map((v) => fmt(v, yFormat)));
    ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    // A short whole-number axis (windows) gets a tick per value; a long one five even ticks.
    const xTicks = x1 - x0 <= 24 && Number.isInteger(x0) && Number.isInteger(x1)
      ? Array.from({ length: x1 - x0 + 1 }, (_, k) => x0 + k)
      : [0, 1, 2, 3, 4].map((k) => Math.round(x0 + ((x1 - x0) * k) / 4));
    for (const v of xTicks) ctx.fillText(fmt(v, 'count'), px(v), height - bottom + 4);
    ctx.fillText(spec.xLabel, left + (width - left - right) / 2, height - 14);
    for (const b of spec.bands || []) {
      ctx.fillStyle = b.color; ctx.beginPath();
      b.points.forEach(([x, , h], i) => (i === 0 ? ctx.moveTo(px(x), py(h)) : ctx.lineTo(px(x), py(h))));
      for (let i = b.points.length - 1; i >= 0; i--) ctx.lineTo(px(b.points[i][0]), py(b.points[i][1]));
      ctx.closePath(); ctx.fill();
    }
    for (const l of spec.lines || []) {
      ctx.strokeStyle = l.color; ctx.lineWidth = l.width || 1.5; ctx.setLineDash(l.dash || []); ctx.beginPath();
      l.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
      ctx.stroke(); ctx.setLineDash([]);
    }
  }

  /**
   * Horizontal lanes over time, one per row of `lanes` ({label, periods: [from, to, v]}, epoch
   * seconds): each period a bar in `colorOf(v)`, nothing where a lane has no period. The
   * time axis is labelled with dates only (months, or days over a short span).
   */
  function laneChart(container, lanes, span, colorOf) {
    const laneH = lanes.length <= 4 ? 30 : 18; const top = 6; const bottom = 26; const right = 14;
    const { ctx, width } = canvasIn(container, top + bottom + Math.max(1, lanes.length) * laneH);
    ctx.font = '11px system-ui, sans-serif';
    const left = Math.min(260, Math.max(60, ...lanes.map((l) => ctx.measureText(l.label).width + 12)));
    const x = (t) => left + ((t - span.from) / Math.max(1, span.to - span.from)) * (width - left - right);
    const fit = (label) => { let t = label; while (t.length > 3 && ctx.measureText(t).width > left - 10) t = t.slice(0, -2); return t === label ? t : `${t}…`; };
    lanes.forEach((lane, i) => {
      const y = top + i * laneH;
      ctx.fillStyle = i % 2 === 0 ? '#f9fafb' : '#ffffff'; ctx.fillRect(left, y, width - left - right, laneH);
      for (const [from, to, v] of lane.periods) { ctx.fillStyle = colorOf(v); ctx.fillRect(x(from), y + 3, Math.max(1, x(to) - x(from)), laneH - 6); }
      ctx.fillStyle = '#374151'; ctx.textAlign = 'right'; ctx.textBaseline = 'middle'; ctx.fillText(fit(lane.label), left - 6, y + laneH / 2);
    });
    const axisY = top + lanes.length * laneH;
    ctx.strokeStyle = '#9ca3af'; ctx.beginPath(); ctx.moveTo(left, axisY); ctx.lineTo(width - right, axisY); ctx.stroke();
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const days = (span.to - span.from) / 86400;
    const ticks = [];
    const d = new Date(span.from * 1000);
    if (days > 75) {
      for (let m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)); m.getTime() / 1000 <= span.to; m = new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))) {
        ticks.push([m.getTime() / 1000, m.getUTCMonth() === 0 ? String(m.getUTCFullYear()) : months[m.getUTCMonth()]]);
      }
    } else {
      const step = Math.max(1, Math.ceil(days / 10));
      for (let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1); t / 1000 <= span.to; t += step * 86400000) {
        const day = new Date(t); ticks.push([t / 1000, `${months[day.getUTCMonth()]} ${day.getUTCDate()}`]);
      }
    }
    ctx.fillStyle = '#374151'; ctx.textAlign = 'center'; ctx.textBaseline = 'top';
    for (const [t, label] of ticks) {
      ctx.strokeStyle = '#e5e7eb'; ctx.beginPath(); ctx.moveTo(x(t), top); ctx.lineTo(x(t), axisY); ctx.stroke();
      ctx.fillText(label, x(t), axisY + 5);
    }
  }

  /** A chart box with a title, its drawing area, and an optional legend. */
  function chartBox(title, name, legend) {
    const area = el('div', { class: 'chart', 'data-chart': name });
    const box = el('figure', { class: 'chart-box' }, el('figcaption', null, title), area);
    if (legend) box.append(el('div', { class: 'legend' }, legend.map(([label, color]) => el('span', null, el('i', { style: `background:${color}` }), label))));
    return { box, area };
  }

  return { COLORS, fmt, el, sortableTable, canvasIn, heatmap, histogram, binCounts, xyChart, chartBox, divergingColor, laneChart };
})();
