// charts.js - hand-written inline SVG charts.  Every chart has a title
// and a text description, shows its numbers as text, and tells series
// apart by pattern as well as colour.

import { s, h, newId, fmtNum } from './dom.js';

const PATTERNS = ['solid', 'hatch', 'dots', 'cross'];
// A label cut to fit the label column (the full text is in the bar's tooltip and the description).
const clip = (t, n = 36) => (t.length > n ? t.slice(0, n - 1) + '…' : t);

function defs(uid) {
  return s('defs', null,
    s('pattern', { id: uid + '-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      s('rect', { width: 6, height: 6, class: 'pbg' }), s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'pline' })),
    s('pattern', { id: uid + '-dots', width: 5, height: 5, patternUnits: 'userSpaceOnUse' },
      s('rect', { width: 5, height: 5, class: 'pbg' }), s('circle', { cx: 2.5, cy: 2.5, r: 1.3, class: 'pdot' })),
    s('pattern', { id: uid + '-cross', width: 6, height: 6, patternUnits: 'userSpaceOnUse' },
      s('rect', { width: 6, height: 6, class: 'pbg' }), s('path', { d: 'M0 3H6M3 0V6', class: 'pline' })));
}

const fillFor = (uid, i) => (PATTERNS[i % 4] === 'solid' ? null : `url(#${uid}-${PATTERNS[i % 4]})`);

function legend(series, uid) {
  return h('ul', { class: 'legend' }, series.map((name, i) =>
    h('li', null, s('svg', { width: 14, height: 14, 'aria-hidden': 'true' }, defs(uid + 'l' + i),
      s('rect', { width: 14, height: 14, class: `bar s${i}`, fill: fillFor(uid + 'l' + i, i) })), ' ', name)));
}

// Grouped horizontal bars.  rows: [{label, values: [number per series]}];
// series: names; fmt: value -> text.
export function barChart({ title, desc, series, rows, fmt = (v) => fmtNum(v) }) {
  const uid = newId('chart');
  const labelW = 250, barW = 320, valW = 90, bh = 14, gap = 3, rowGap = 10;
  const rowH = series.length * (bh + gap) + rowGap;
  const W = labelW + barW + valW, H = rows.length * rowH + 6;
  // a zero axis inside the plot when some value is negative (bars grow left and right of it)
  const vals = rows.flatMap((r) => r.values.map((v) => v || 0));
  const hi = Math.max(0, ...vals), lo = Math.min(0, ...vals), span = Math.max(1e-9, hi - lo);
  const x0 = labelW + (-lo / span) * barW;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-labelledby': `${uid}-t ${uid}-d`, class: 'chart' },
    s('title', { id: `${uid}-t` }, title),
    s('desc', { id: `${uid}-d` }, desc || rows.map((r) => r.label + ': ' + r.values.map((v, i) => `${series[i]} ${fmt(v)}`).join(', ')).join('; ')),
    defs(uid),
    rows.map((r, ri) => {
      const y0 = ri * rowH + 4;
      return s('g', null,
        s('text', { x: labelW - 8, y: y0 + (series.length * (bh + gap)) / 2 + 4, 'text-anchor': 'end', class: 'lbl' }, clip(r.label)),
        r.values.map((v, i) => {
          const w = (Math.abs(v || 0) / span) * barW;
          const y = y0 + i * (bh + gap);
          const neg = (v || 0) < 0;
          return s('g', null,
            s('rect', { x: neg ? x0 - w : x0, y, width: w, height: bh, class: `bar s${i}`, fill: fillFor(uid, i) },
              s('title', null, `${r.label}, ${series[i]}: ${fmt(v)}`)),
            s('text', neg ? { x: x0 + 4, y: y + bh - 3, class: 'val' } : { x: x0 + w + 4, y: y + bh - 3, class: 'val' }, fmt(v)));
        }));
    }),
    lo < 0 ? s('line', { x1: x0, x2: x0, y1: 0, y2: H, class: 'baseline' }) : null);
  return h('figure', { class: 'chartbox' }, h('figcaption', null, title), series.length > 1 ? legend(series, uid) : null, svg);
}

// Small multiples: one row of weekly bars per entity (e.g. sessions a
// facilitator leads each week).  rows: [{label, values: [per week]}].
export function weekBars({ title, desc, weeks, rows, unit = 'sessions' }) {
  const uid = newId('chart');
  const labelW = 170, cw = 30, rowH = 40, top = 18;
  const W = labelW + weeks * cw + 50, H = top + rows.length * rowH + 4;
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-labelledby': `${uid}-t ${uid}-d`, class: 'chart' },
    s('title', { id: `${uid}-t` }, title),
    s('desc', { id: `${uid}-d` }, desc || rows.map((r) => `${r.label}: ${r.values.join(', ')} ${unit} in weeks 1 to ${weeks}`).join('; ')),
    Array.from({ length: weeks }, (_, w) => s('text', { x: labelW + w * cw + cw / 2, y: 12, 'text-anchor': 'middle', class: 'axis' }, 'w' + (w + 1))),
    s('text', { x: labelW + weeks * cw + 6, y: 12, class: 'axis' }, 'total'),
    rows.map((r, ri) => {
      const y0 = top + ri * rowH, base = y0 + rowH - 8;
      return s('g', null,
        s('text', { x: labelW - 8, y: base - 6, 'text-anchor': 'end', class: 'lbl' }, clip(r.label, 24)),
        s('line', { x1: labelW, x2: labelW + weeks * cw, y1: base, y2: base, class: 'baseline' }),
        r.values.map((v, w) => {
          const bh = (v / max) * (rowH - 20);
          const x = labelW + w * cw + 4;
          return s('g', null,
            s('rect', { x, y: base - bh, width: cw - 8, height: bh, class: 'bar s0' },
              s('title', null, `${r.label}, week ${w + 1}: ${v} ${unit}`)),
            s('text', { x: x + (cw - 8) / 2, y: base - bh - 2, 'text-anchor': 'middle', class: 'val small' }, String(v)));
        }),
        s('text', { x: labelW + weeks * cw + 6, y: base - 4, class: 'val' }, String(r.values.reduce((a, b) => a + b, 0))));
    }));
  return h('figure', { class: 'chartbox' }, h('figcaption', null, title), svg);
}
