// The reference dashboard's page: one card per panel (a chart for the eye, a table with the exact values), kept
// current by server-sent events, each card saying how fresh its data is. `window.dashboard.renders` records when
// each panel's rows reached the screen, so a test or benchmark can measure freshness in the page itself.
/* global Chart, window, document, requestAnimationFrame, setInterval, EventSource, fetch */
'use strict';

const PANELS = [
  {
    id: 'top-5-products',
    title: 'Top 5 products by rating',
    chart: 'bar',
    value: 'ratingScore',
    columns: ['rank', 'productName', 'ratingScore', 'totalRatings'],
  },
  {
    id: 'inventory',
    title: 'Inventory of all products',
    chart: 'inventory',
    wide: true,
    columns: ['productId', 'productName', 'onHand', 'minimum'],
    folded: true,
  },
  {
    id: 'top-returned-5m',
    title: 'Top 3 returned · last 5 min',
    chart: 'hbar',
    value: 'quantity',
    columns: ['rank', 'productName', 'quantity'],
  },
  {
    id: 'top-purchased-15m',
    title: 'Top 3 purchased · last 15 min',
    chart: 'hbar',
    value: 'quantity',
    columns: ['rank', 'productName', 'quantity'],
  },
  {
    id: 'top-replenished-10m',
    title: 'Top 3 replenished · last 10 min',
    chart: 'hbar',
    value: 'quantity',
    columns: ['rank', 'productName', 'quantity'],
  },
  { id: 'out-of-stock', title: 'Out of stock', columns: ['productId', 'productName', 'onHand'] },
  {
    id: 'critical-inventory',
    title: 'Critical inventory · below minimum, above zero',
    columns: ['productId', 'productName', 'onHand', 'minimum'],
  },
];
const LABELS = {
  rank: '#',
  productId: 'id',
  productName: 'product',
  ratingScore: 'rating',
  totalRatings: 'ratings',
  quantity: 'quantity',
  onHand: 'on hand',
  minimum: 'minimum',
};
const NUMERIC = new Set(['rank', 'ratingScore', 'totalRatings', 'quantity', 'onHand', 'minimum']);

const renders = [];
window.dashboard = { renders, current: undefined };
const cards = new Map();
const main = document.getElementById('panels');
const status = document.getElementById('status');

for (const panel of PANELS) {
  const section = document.createElement('section');
  section.dataset.panel = panel.id;
  if (panel.wide) section.className = 'wide';
  section.innerHTML =
    `<h2>${panel.title}</h2><div class="fresh">waiting for data…</div>` +
    (panel.chart ? '<div class="chart"><canvas></canvas></div>' : '') +
    (panel.folded ? '<details><summary>values</summary><table></table></details>' : '<table></table>');
  main.appendChild(section);
  const card = {
    panel,
    section,
    fresh: section.querySelector('.fresh'),
    table: section.querySelector('table'),
    key: '',
    asOf: 0,
    changedAt: 0,
  };
  if (panel.chart) card.chart = makeChart(panel, section.querySelector('canvas'));
  cards.set(panel.id, card);
}

function makeChart(panel, canvas) {
  const common = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { display: panel.chart === 'inventory' } },
  };
  if (panel.chart === 'inventory') {
    return new Chart(canvas, {
      data: {
        labels: [],
        datasets: [
          { type: 'bar', label: 'on hand', data: [], backgroundColor: [] },
          {
            type: 'line',
            label: 'minimum',
            data: [],
            borderColor: '#b3261e',
            pointRadius: 0,
            stepped: 'middle',
            borderWidth: 1.5,
          },
        ],
      },
      options: {
        ...common,
        scales: { x: { ticks: { autoSkip: false, maxRotation: 60, font: { size: 9 } } } },
      },
    });
  }
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [{ label: panel.value, data: [], backgroundColor: '#3d6fd8' }] },
    options: {
      ...common,
      indexAxis: panel.chart === 'hbar' ? 'y' : 'x',
      scales: panel.value === 'ratingScore' ? { y: { min: 0, max: 5 } } : {},
    },
  });
}

function render(card, rows) {
  const { panel } = card;
  if (card.chart) {
    const labels = rows.map((row) => row.productName);
    card.chart.data.labels = labels;
    if (panel.chart === 'inventory') {
      card.chart.data.datasets[0].data = rows.map((row) => row.onHand);
      card.chart.data.datasets[0].backgroundColor = rows.map((row) =>
        row.onHand <= 0 ? '#b3261e' : row.onHand < row.minimum ? '#e8a317' : '#3d6fd8',
      );
      card.chart.data.datasets[1].data = rows.map((row) => row.minimum);
    } else {
      card.chart.data.datasets[0].data = rows.map((row) => row[panel.value]);
    }
    card.chart.update('none');
  }
  const head = `<tr>${panel.columns.map((c) => `<th class="${NUMERIC.has(c) ? 'n' : ''}">${LABELS[c]}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr data-product="${escape(row.productId)}">${panel.columns.map((c) => `<td data-field="${c}" class="${NUMERIC.has(c) ? 'n' : ''}">${escape(row[c])}</td>`).join('')}</tr>`,
    )
    .join('');
  card.table.innerHTML = rows.length === 0 ? '<tr><td class="empty">none</td></tr>' : head + body;
}

function escape(value) {
  return String(value ?? '').replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );
}

function onSnapshot(snapshot) {
  window.dashboard.current = snapshot;
  const changed = [];
  for (const [id, view] of Object.entries(snapshot.panels)) {
    const card = cards.get(id);
    if (!card) continue;
    card.asOf = Date.parse(view.asOf);
    const key = JSON.stringify(view.rows);
    if (key !== card.key) {
      card.key = key;
      card.changedAt = Date.now();
      render(card, view.rows);
      changed.push({ panel: id, asOf: view.asOf, rows: view.rows });
    }
  }
  status.textContent = snapshot.error
    ? `read failed: ${snapshot.error}`
    : `live · read ${snapshot.readMs} ms`;
  status.classList.toggle('down', Boolean(snapshot.error));
  // Painted on the next frame: that is when the change is on screen.
  if (changed.length > 0)
    requestAnimationFrame(() => {
      const at = Date.now();
      for (const entry of changed) renders.push({ ...entry, at });
      if (renders.length > 20000) renders.splice(0, renders.length - 20000);
    });
  tick();
}

function tick() {
  const now = Date.now();
  for (const card of cards.values()) {
    if (!card.asOf) continue;
    const age = (now - card.asOf) / 1000;
    const changed = (now - card.changedAt) / 1000;
    card.fresh.innerHTML = `data <b class="${age > 3 ? 'stale' : ''}">${age.toFixed(1)} s</b> old · changed ${changed < 60 ? `${changed.toFixed(0)} s` : `${Math.floor(changed / 60)} min`} ago`;
  }
}
setInterval(tick, 250);

// The pipeline section: the last minutes of the pipeline's history, from the metrics service's Metrics API
// (GET /api/pipeline relays POST /v2/metrics/cloud/query); it says so plainly when the service is not running.
// `window.dashboard.pipeline` keeps the last view, for tests.
const pipelineSection = document.createElement('section');
pipelineSection.className = 'wide pipeline';
pipelineSection.dataset.pipeline = '';
pipelineSection.innerHTML =
  '<h2>Pipeline · history from the Metrics API</h2><div class="fresh">waiting for the metrics service…</div><div class="pipeline-charts"></div>';
main.appendChild(pipelineSection);
const pipelineCharts = new Map();

async function loadPipelineCharts() {
  const meta = await (await fetch('/api/meta')).json();
  for (const chart of meta.pipeline ?? []) {
    const block = document.createElement('div');
    block.className = 'pipeline-chart';
    block.dataset.chart = chart.id;
    block.innerHTML = `<h3>${escape(chart.title)}</h3><div class="chart"><canvas></canvas></div><table></table>`;
    pipelineSection.querySelector('.pipeline-charts').appendChild(block);
    const graph = new Chart(block.querySelector('canvas'), {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: true, labels: { boxWidth: 10, font: { size: 9 } } } },
        scales: { x: { ticks: { font: { size: 9 } } }, y: { beginAtZero: true } },
      },
    });
    pipelineCharts.set(chart.id, { chart, block, graph });
  }
}

const COLOURS = ['#3d6fd8', '#1b7f3b', '#e8a317', '#b3261e', '#7b4bc4', '#0b8a8a', '#56607a', '#c2185b'];

function renderPipeline(view) {
  window.dashboard.pipeline = view;
  const fresh = pipelineSection.querySelector('.fresh');
  pipelineSection.classList.toggle('unavailable', Boolean(view.unavailable));
  if (view.unavailable) {
    fresh.innerHTML = `<b class="stale">${escape(view.unavailable)}</b> ${escape(view.fix)}`;
    return;
  }
  fresh.textContent = `last ${view.minutes} min, per minute (UTC) · ${view.source}/v2/metrics/cloud/query`;
  for (const { chart, block, graph } of pipelineCharts.values()) {
    const series = view.charts[chart.id] ?? [];
    const minutes = [...new Set(series.flatMap((one) => one.points.map((point) => point.timestamp)))].sort();
    graph.data.labels = minutes.map((timestamp) => timestamp.slice(11, 16));
    graph.data.datasets = series.map((one, index) => {
      const byMinute = new Map(one.points.map((point) => [point.timestamp, point.value]));
      return {
        label: one.label,
        data: minutes.map((minute) => byMinute.get(minute) ?? 0),
        borderColor: COLOURS[index % COLOURS.length],
        pointRadius: 0,
        borderWidth: 1.5,
      };
    });
    graph.update('none');
    const heading = chart.kind === 'counter' ? `total, ${view.minutes} min` : 'last minute';
    block.querySelector('table').innerHTML =
      series.length === 0
        ? '<tr><td class="empty">no data in this window</td></tr>'
        : `<tr><th></th><th class="n">${heading}</th></tr>` +
          series
            .map(
              (one) =>
                `<tr data-series="${escape(one.label)}"><td>${escape(one.label)}</td><td class="n" data-field="summary">${escape(Math.round(one.summary))}</td></tr>`,
            )
            .join('');
  }
}

async function refreshPipeline() {
  try {
    renderPipeline(await (await fetch('/api/pipeline')).json());
  } catch (error) {
    pipelineSection.querySelector('.fresh').textContent = `the dashboard did not answer: ${error}`;
  }
}
loadPipelineCharts().then(() => {
  refreshPipeline();
  setInterval(refreshPipeline, 5000);
});

function connect() {
  const source = new EventSource('/events');
  source.addEventListener('snapshot', (event) => onSnapshot(JSON.parse(event.data)));
  source.onerror = () => {
    status.textContent = 'disconnected, retrying…';
    status.classList.add('down');
  };
}
connect();
