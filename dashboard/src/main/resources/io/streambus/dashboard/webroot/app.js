// Streambus dashboard. Plain JavaScript, no build step.
//
// Safety rule for this file: every value that comes from the bus (topic, group and consumer names, payloads,
// headers, error texts) reaches the DOM through textContent or a text node, never through innerHTML.
'use strict';

(() => {
  const TOKEN_KEY = 'streambus.token';
  const HISTORY_SECONDS_SHOWN = 900;
  const PALETTE = ['#2f6fde', '#1a7f37', '#b35900', '#8250df', '#c62828', '#0e7490', '#a21caf', '#4d7c0f'];
  const IN_COLOR = '#1f2937';

  const state = {
    config: null,
    sample: null,
    selected: null,
    series: null,      // chart data of the selected topic: {t: [], rateIn: [], groups: {name: {lag: [], delivered: []}}}
    charts: null,      // {rate: uPlot, lag: uPlot, groups: [names]}
    deadLetters: {items: [], cursor: null, open: null, count: -1},
    filter: emptyFilter(), // the dead-letter search applied (what the inputs held at the last Search)
    streamAbort: null,
    // the stream browser: the page's entries newest first, where older ones continue, what the live tail has seen
    browser: newBrowser(),
  };

  const $ = (id) => document.getElementById(id);

  // The dead-letter search: query parameter, input, and how the page names it.
  const FILTER_FIELDS = [['group', 'dl-group', 'group'], ['id', 'dl-id', 'message id'], ['key', 'dl-key', 'key'],
    ['header', 'dl-header', 'header']];

  const PAGE = 50;
  const SEARCH_PAGES_PER_LOAD = 5;

  function newBrowser() {
    return {items: [], cursor: null, query: '', seen: new Set(), length: null, open: null, loading: false};
  }

  function emptyFilter() {
    return {group: '', id: '', key: '', header: ''};
  }

  // ---- DOM helpers: text only ------------------------------------------------------------------------------------

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'class') node.className = value;
      else if (key === 'data') Object.entries(value).forEach(([k, v]) => { node.dataset[k] = v; });
      else if (key === 'on') Object.entries(value).forEach(([k, v]) => node.addEventListener(k, v));
      else node[key] = value;
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // ---- Formatting ------------------------------------------------------------------------------------------------

  const intFormat = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
  const rateFormat = new Intl.NumberFormat('en-US', {minimumFractionDigits: 1, maximumFractionDigits: 1});

  function formatInt(v) { return v === null || v === undefined ? '–' : intFormat.format(v); }
  function formatRate(v) { return v === null || v === undefined ? '–' : rateFormat.format(v); }

  function formatDuration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(1)} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
    const h = Math.floor(m / 60);
    return `${h} h ${String(m % 60).padStart(2, '0')} m`;
  }

  function formatTime(ms) {
    return ms ? new Date(ms).toLocaleString(undefined, {hour12: false}) : '–';
  }

  function idTime(id) {
    const ms = Number(String(id || '').split('-')[0]);
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  }

  // ---- Numbers that glide to their new value ---------------------------------------------------------------------

  const TWEEN_MS = 450;

  function setNumber(cell, value, format) {
    const target = value === null || value === undefined ? null : Number(value);
    cell.dataset.value = target === null ? '' : String(target);
    const from = cell._shown;
    cell._format = format;
    if (target === null || from === null || from === undefined || from === target
        || document.visibilityState === 'hidden') {
      cell._shown = target;
      cell.textContent = format(target);
      return;
    }
    const start = performance.now();
    const step = (now) => {
      if (cell.dataset.value !== String(target)) return; // a newer value took over
      const k = Math.min(1, (now - start) / TWEEN_MS);
      const eased = 1 - Math.pow(1 - k, 3);
      cell._shown = k === 1 ? target : from + (target - from) * eased;
      cell.textContent = format(cell._shown);
      if (k < 1) requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  // ---- Notices ---------------------------------------------------------------------------------------------------

  function notice(key, text, kind) {
    const box = $('notices');
    let node = box.querySelector(`[data-key="${key}"]`);
    if (!text) {
      if (node) node.remove();
      return;
    }
    if (!node) {
      node = el('div', {data: {key}});
      box.append(node);
    }
    node.className = `notice ${kind || ''}`;
    node.textContent = text;
  }

  function flash(text, kind) {
    notice('flash', text, kind);
    clearTimeout(flash.timer);
    flash.timer = setTimeout(() => notice('flash', null), 6000);
  }

  // ---- HTTP ------------------------------------------------------------------------------------------------------

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  function headers() {
    const t = token();
    return t ? {[state.config ? state.config.tokenHeader : 'X-Bus-Token']: t} : {};
  }

  async function api(path, options = {}) {
    const response = await fetch(path, {...options, headers: {...headers(), ...(options.headers || {})},
      cache: 'no-store'});
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.error || `HTTP ${response.status}`);
      error.status = response.status;
      error.parameter = body.parameter;
      throw error;
    }
    return body;
  }

  const enc = encodeURIComponent;

  // ---- Live stream (server-sent events read with fetch, so that the token header can go along) -------------------

  async function stream() {
    for (;;) {
      const abort = new AbortController();
      state.streamAbort = abort;
      try {
        const response = await fetch('api/stream', {headers: headers(), cache: 'no-store', signal: abort.signal});
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw new Error(body.error || `HTTP ${response.status}`);
        }
        setLive('live', 'live');
        notice('stream', null);
        await readEvents(response.body, onSample);
        setLive('reconnecting', 'reconnecting');
      } catch (e) {
        if (!abort.signal.aborted) {
          setLive('reconnecting', 'reconnecting');
          notice('stream', `Live updates interrupted: ${e.message}. Retrying…`, 'error');
        }
      }
      await new Promise((resolve) => setTimeout(resolve, abort.signal.aborted ? 0 : 2000));
    }
  }

  async function readEvents(body, handler) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (data) handler(JSON.parse(data));
      }
    }
  }

  function setLive(stateName, text) {
    const live = $('live');
    live.dataset.state = stateName;
    live.textContent = text;
  }

  // ---- Samples ---------------------------------------------------------------------------------------------------

  function onSample(sample) {
    const previous = state.sample;
    state.sample = sample;
    document.body.dataset.seq = String(sample.seq);
    $('sampled').textContent = sample.seq > 0
      ? `sampled ${formatTime(sample.sampledAt)} · every ${sample.intervalMs / 1000} s`
      : 'waiting for the first sample';
    notice('sampler', sample.error ? `Cannot read the bus: ${sample.error}` : null, 'error');
    if (sample.error) setLive('error', 'Redis unreachable');
    renderTopics(sample.topics);
    renderGroups(sample.topics);
    if (!state.selected && sample.topics.length) selectTopic(sample.topics[0].topic);
    const topic = sample.topics.find((t) => t.topic === state.selected);
    if (topic) {
      if (!previous || previous.seq !== sample.seq) appendSeries(sample, topic);
      renderConsumers(topic);
      renderGroupChoices(topic);
      if (topic.deadLetters !== state.deadLetters.count) loadDeadLetters();
      if ($('br-live').checked && topic.length !== state.browser.length) tailEntries(topic.length);
    }
  }

  // Rows are kept by key and updated in place, so that numbers can glide and the selection survives a sample.
  function upsertRow(tbody, key, build) {
    tbody.rows_ = tbody.rows_ || new Map();
    let row = tbody.rows_.get(key);
    if (!row) {
      row = build();
      tbody.rows_.set(key, row);
      tbody.append(row);
    }
    return row;
  }

  function removeStale(tbody, keys) {
    for (const [key, row] of tbody.rows_ || []) {
      if (!keys.has(key)) {
        row.remove();
        tbody.rows_.delete(key);
      }
    }
  }

  function cell(field, numeric) {
    return el('td', {class: numeric ? 'num' : '', data: {field}});
  }

  function renderTopics(topics) {
    const tbody = $('topics').tBodies[0];
    const keys = new Set();
    for (const t of topics) {
      keys.add(t.topic);
      const row = upsertRow(tbody, t.topic, () => el('tr', {class: 'selectable', data: {topic: t.topic},
        on: {click: () => selectTopic(t.topic)}},
      el('td', {class: 'mono', data: {field: 'topic'}}, t.topic), cell('partitions', true), cell('length', true),
      cell('rateIn', true), cell('deadLetters', true), cell('scheduled', true), cell('groups', true)));
      row.classList.toggle('selected', t.topic === state.selected);
      setNumber(row.querySelector('[data-field=partitions]'), t.partitionCount, formatInt);
      setNumber(row.querySelector('[data-field=length]'), t.length, formatInt);
      setNumber(row.querySelector('[data-field=rateIn]'), t.rateIn, formatRate);
      setNumber(row.querySelector('[data-field=deadLetters]'), t.deadLetters, formatInt);
      setNumber(row.querySelector('[data-field=scheduled]'), t.scheduled, formatInt);
      setNumber(row.querySelector('[data-field=groups]'), t.groups.length, formatInt);
    }
    removeStale(tbody, keys);
    $('no-topics').hidden = topics.length > 0;
  }

  function renderGroups(topics) {
    const tbody = $('groups').tBodies[0];
    const keys = new Set();
    for (const t of topics) {
      for (const g of t.groups) {
        const key = JSON.stringify([t.topic, g.name]);
        keys.add(key);
        const row = upsertRow(tbody, key, () => el('tr', {class: 'selectable', data: {topic: t.topic, group: g.name},
          on: {click: () => selectTopic(t.topic)}},
        el('td', {class: 'mono'}, t.topic), el('td', {class: 'mono', data: {field: 'group'}}, g.name),
        el('td', {}, el('span', {class: 'badge', data: {field: 'state'}})),
        cell('lag', true), cell('lagMs', true), cell('pending', true), cell('oldestPendingAgeMs', true),
        cell('deliveredRate', true), cell('ackedRate', true), cell('consumers', true)));
        row.classList.toggle('selected', t.topic === state.selected);
        const badge = row.querySelector('[data-field=state]');
        // a paused group (BusAdmin.pauseGroup) shows that first: its lag grows on purpose
        const shown = g.paused ? 'PAUSED' : g.state;
        badge.dataset.state = shown;
        badge.textContent = shown.replace('_', ' ').toLowerCase();
        setNumber(row.querySelector('[data-field=lag]'), g.lag, formatInt);
        setNumber(row.querySelector('[data-field=lagMs]'), g.oldestUndeliveredAgeMs, formatDuration);
        setNumber(row.querySelector('[data-field=pending]'), g.pending, formatInt);
        setNumber(row.querySelector('[data-field=oldestPendingAgeMs]'), g.oldestPendingAgeMs, formatDuration);
        setNumber(row.querySelector('[data-field=deliveredRate]'), g.deliveredRate, formatRate);
        setNumber(row.querySelector('[data-field=ackedRate]'), g.ackedRate, formatRate);
        setNumber(row.querySelector('[data-field=consumers]'), g.consumers.length, formatInt);
      }
    }
    removeStale(tbody, keys);
  }

  function renderConsumers(topic) {
    const box = $('consumers');
    clear(box);
    if (!topic.groups.length) {
      box.append(el('p', {class: 'empty'}, 'No consumer groups.'));
      return;
    }
    for (const g of topic.groups) {
      // ordered processing: partition -> owning consumer; an owner that holds nothing yet may not be a listed consumer
      const owners = g.owners || {};
      const ordered = Object.keys(owners).length > 0;
      const owned = (name) => Object.keys(owners).filter((p) => owners[p] === name).map(Number).sort((a, b) => a - b);
      const names = g.consumers.map((c) => c.name);
      const consumers = g.consumers.concat([...new Set(Object.values(owners))].filter((o) => !names.includes(o))
        .map((o) => ({name: o, pending: 0, idleMs: null})));
      const rows = consumers.map((c) => el('tr', {data: {consumer: c.name}},
        el('td', {class: 'mono'}, c.name), el('td', {class: 'num'}, formatInt(c.pending)),
        el('td', {class: 'num'}, c.idleMs == null ? '–' : formatDuration(c.idleMs)),
        ...(ordered ? [el('td', {class: 'mono', data: {field: 'owns'}}, owned(c.name).join(', ') || '–')] : [])));
      const heads = [el('th', {}, 'Consumer'), el('th', {class: 'num'}, 'Pending'), el('th', {class: 'num'}, 'Idle')];
      if (ordered) {
        heads.push(el('th', {}, 'Owns partitions'));
      }
      box.append(el('div', {data: {group: g.name}},
        el('h4', {}, el('span', {class: 'mono'}, g.name), ' ', el('span', {class: 'muted'},
          `${consumers.length} consumer${consumers.length === 1 ? '' : 's'}${ordered ? ', ordered' : ''}`)),
        el('table', {class: 'grid'},
          el('thead', {}, el('tr', {}, ...heads)),
          el('tbody', {}, rows.length ? rows
            : el('tr', {}, el('td', {colSpan: heads.length, class: 'empty'}, 'none'))))));
    }
  }

  // ---- Selection and charts --------------------------------------------------------------------------------------

  async function selectTopic(name) {
    if (state.selected === name) return;
    state.selected = name;
    state.deadLetters = {items: [], cursor: null, open: null, count: -1};
    resetSearch();
    $('detail').hidden = false;
    $('detail-topic').textContent = name;
    document.querySelectorAll('tr[data-topic]').forEach((r) => r.classList.toggle('selected',
      r.dataset.topic === name));
    destroyCharts();
    state.series = null;
    // at once, so that the previous topic's entries never show under this one's name
    resetBrowser(state.sample && state.sample.topics.find((t) => t.topic === name));
    try {
      const history = await api(`api/history?topic=${enc(name)}&seconds=${HISTORY_SECONDS_SHOWN}`);
      if (state.selected !== name) return;
      state.series = seriesFromHistory(history);
      drawCharts();
    } catch (e) {
      flash(`Cannot load the history of ${name}: ${e.message}`, 'error');
    }
    const topic = state.sample && state.sample.topics.find((t) => t.topic === name);
    if (topic) {
      renderConsumers(topic);
      renderGroupChoices(topic);
    }
    loadDeadLetters();
  }

  function seriesFromHistory(h) {
    const groups = {};
    for (const [name, g] of Object.entries(h.groups)) {
      groups[name] = {lag: g.lag.slice(), delivered: g.deliveredRate.slice()};
    }
    return {t: h.t.map((ms) => ms / 1000), rateIn: h.rateIn.slice(), groups};
  }

  function appendSeries(sample, topic) {
    const s = state.series;
    if (!s) return;
    const t = sample.sampledAt / 1000;
    if (s.t.length && s.t[s.t.length - 1] >= t) return;
    s.t.push(t);
    s.rateIn.push(topic.rateIn);
    const seen = new Set();
    for (const g of topic.groups) {
      seen.add(g.name);
      if (!s.groups[g.name]) s.groups[g.name] = {lag: s.t.slice(1).map(() => null), delivered: s.t.slice(1).map(() => null)};
      s.groups[g.name].lag.push(g.lag);
      s.groups[g.name].delivered.push(g.deliveredRate);
    }
    for (const [name, g] of Object.entries(s.groups)) {
      if (!seen.has(name)) { g.lag.push(null); g.delivered.push(null); }
    }
    const cutoff = t - HISTORY_SECONDS_SHOWN;
    while (s.t.length && s.t[0] < cutoff) {
      s.t.shift();
      s.rateIn.shift();
      Object.values(s.groups).forEach((g) => { g.lag.shift(); g.delivered.shift(); });
    }
    const names = Object.keys(s.groups);
    if (!state.charts || names.join('\u0000') !== state.charts.groups.join('\u0000')) drawCharts();
    else updateCharts();
  }

  function chartData() {
    const s = state.series;
    const names = Object.keys(s.groups);
    return {
      names,
      rate: [s.t, s.rateIn, ...names.map((n) => s.groups[n].delivered)],
      lag: [s.t, ...names.map((n) => s.groups[n].lag)],
    };
  }

  function chartOptions(container, series, yLabel) {
    return {
      width: Math.max(300, container.clientWidth),
      height: 240,
      scales: {x: {time: true}, y: {range: (u, min, max) => [0, Math.max(1, max * 1.1)]}},
      axes: [{}, {label: yLabel, size: 60}],
      legend: {live: true},
      series: [{}, ...series],
    };
  }

  function drawCharts() {
    destroyCharts();
    if (!state.series || typeof uPlot === 'undefined') return;
    const data = chartData();
    const rateBox = $('chart-rate');
    const lagBox = $('chart-lag');
    const color = (i) => PALETTE[i % PALETTE.length];
    const rateSeries = [{label: 'in', stroke: IN_COLOR, width: 2, value: (u, v) => formatRate(v)},
      ...data.names.map((n, i) => ({label: `${n} delivered`, stroke: color(i), width: 1.5,
        value: (u, v) => formatRate(v)}))];
    const lagSeries = data.names.map((n, i) => ({label: n, stroke: color(i), width: 1.5,
      fill: `${color(i)}1a`, value: (u, v) => formatInt(v)}));
    state.charts = {
      groups: data.names,
      rate: new uPlot(chartOptions(rateBox, rateSeries, 'msg/s'), data.rate, rateBox),
      lag: new uPlot(chartOptions(lagBox, lagSeries, 'entries'), data.lag, lagBox),
    };
    rateBox.dataset.series = String(rateSeries.length);
    lagBox.dataset.series = String(lagSeries.length);
  }

  function updateCharts() {
    const data = chartData();
    state.charts.rate.setData(data.rate);
    state.charts.lag.setData(data.lag);
  }

  function destroyCharts() {
    if (state.charts) {
      state.charts.rate.destroy();
      state.charts.lag.destroy();
      state.charts = null;
    }
  }

  window.addEventListener('resize', () => {
    if (!state.charts) return;
    for (const [chart, box] of [[state.charts.rate, $('chart-rate')], [state.charts.lag, $('chart-lag')]]) {
      chart.setSize({width: Math.max(300, box.clientWidth), height: 240});
    }
  });

  // ---- Dead letters ----------------------------------------------------------------------------------------------

  async function loadDeadLetters(append) {
    const topic = state.selected;
    if (!topic) return;
    const dl = state.deadLetters;
    const count = state.sample && (state.sample.topics.find((t) => t.topic === topic) || {}).deadLetters;
    if (count !== undefined) dl.count = count;
    const query = filterQuery();
    try {
      let items = [];
      let next = append ? dl.cursor : null;
      let pages = 0;
      // A search page examines a bounded stretch of dead letters and can come back short: read on a few pages
      // before showing what was found (then "Search further" goes on).
      do {
        const cursor = next ? `&cursor=${enc(next)}` : '';
        const page = await api(`api/topics/${enc(topic)}/deadletters?limit=${PAGE}${query}${cursor}`);
        if (state.selected !== topic || filterQuery() !== query) return; // a newer search took over
        items = items.concat(page.items);
        next = page.nextCursor;
        pages++;
      } while (query && next && items.length < PAGE && pages < SEARCH_PAGES_PER_LOAD);
      dl.items = append ? dl.items.concat(items) : items;
      dl.cursor = next;
      renderDeadLetters();
    } catch (e) {
      if (e.status === 400) {
        markInvalid(e.parameter);
        flash(`Search refused: ${e.message}`, 'error');
      } else if (e.status !== 404) {
        flash(`Cannot list the dead letters of ${topic}: ${e.message}`, 'error');
      }
    }
  }

  // ---- Dead-letter search ----------------------------------------------------------------------------------------

  function filterActive() {
    return FILTER_FIELDS.some(([field]) => state.filter[field]);
  }

  function filterQuery() {
    return FILTER_FIELDS.filter(([field]) => state.filter[field])
      .map(([field]) => `&${field}=${enc(state.filter[field])}`).join('');
  }

  function describeFilter() {
    return FILTER_FIELDS.filter(([field]) => state.filter[field])
      .map(([field, , label]) => `${label} = ${state.filter[field]}`).join(', ');
  }

  function applySearch(event) {
    if (event) event.preventDefault();
    clearInvalid();
    state.filter = {group: $('dl-group').value, id: $('dl-id').value.trim(), key: $('dl-key').value,
      header: $('dl-header').value};
    state.deadLetters.open = null;
    loadDeadLetters();
  }

  function resetSearch() {
    clearInvalid();
    state.filter = emptyFilter();
    FILTER_FIELDS.forEach(([, input]) => { $(input).value = ''; });
  }

  function clearSearch() {
    resetSearch();
    state.deadLetters.open = null;
    loadDeadLetters();
  }

  function markInvalid(parameter) {
    const field = FILTER_FIELDS.find(([name]) => name === parameter);
    if (field) $(field[1]).setAttribute('aria-invalid', 'true');
  }

  function clearInvalid() {
    FILTER_FIELDS.forEach(([, input]) => $(input).removeAttribute('aria-invalid'));
  }

  // The groups to pick from: the topic's groups and those named by the dead letters shown (a deleted group's too).
  function renderGroupChoices(topic) {
    const names = new Set(topic.groups.map((g) => g.name));
    state.deadLetters.items.forEach((d) => { if (d.group) names.add(d.group); });
    if (state.filter.group) names.add(state.filter.group);
    const select = $('dl-group');
    const sorted = [...names].sort();
    const shown = [...select.options].slice(1).map((o) => o.value);
    if (sorted.join('\u0000') === shown.join('\u0000')) return;
    const chosen = select.value;
    while (select.options.length > 1) select.remove(1);
    sorted.forEach((name) => select.append(el('option', {value: name}, name)));
    select.value = names.has(chosen) ? chosen : '';
  }

  function renderDeadLetters() {
    const dl = state.deadLetters;
    const tbody = $('deadletters').tBodies[0];
    clear(tbody);
    for (const d of dl.items) {
      const row = el('tr', {class: 'selectable', data: {ref: d.ref}, on: {click: () => toggleDetail(d.ref)}},
        el('td', {class: 'nowrap'}, formatTime(d.deadLetteredAt)), el('td', {class: 'mono nowrap'}, d.ref),
        el('td', {class: 'mono'}, d.group || '–'), el('td', {class: 'num'}, formatInt(d.deliveries)),
        el('td', {class: 'error-text'}, [d.errorClass, d.error].filter(Boolean).join(': ')));
      tbody.append(row);
      if (dl.open === d.ref) tbody.append(detailRow(d));
    }
    $('dl-count').textContent = dl.count >= 0 ? `(${formatInt(dl.count)})` : '';
    const filtered = filterActive();
    $('no-deadletters').hidden = dl.items.length > 0;
    $('no-deadletters').textContent = !filtered ? 'No dead letters.'
      : dl.cursor ? 'No match among the dead letters searched so far.' : 'No dead letters match.';
    $('dl-filter').hidden = !filtered;
    $('dl-filter').textContent = filtered ? `Dead letters matching ${describeFilter()}` : '';
    $('dl-more').hidden = !dl.cursor;
    $('dl-more').textContent = filtered && !dl.items.length ? 'Search further' : 'Load more';
    $('dl-replay-all').textContent = filtered ? 'Replay all matching' : 'Replay all';
    $('dl-replay-all').disabled = dl.count <= 0 || !mutationsAllowed();
    $('dl-purge').disabled = !dl.items.length || !mutationsAllowed();
    const topic = state.sample && state.sample.topics.find((t) => t.topic === state.selected);
    if (topic) renderGroupChoices(topic);
  }

  function toggleDetail(ref) {
    state.deadLetters.open = state.deadLetters.open === ref ? null : ref;
    renderDeadLetters();
  }

  function prettyPayload(d) {
    if (d.payload === null || d.payload === undefined) return '(no payload field: a foreign entry)';
    const looksJson = (d.contentType || '').includes('json') || /^\s*[[{"]/.test(d.payload);
    if (looksJson) {
      try {
        return JSON.stringify(JSON.parse(d.payload), null, 2);
      } catch (e) {
        // not JSON after all: shown as it is
      }
    }
    return d.payload;
  }

  function detailRow(d) {
    const meta = [
      ['Reference', d.ref], ['Original id', d.originalId], ['Published', formatTime(idTime(d.originalId))],
      ['Dead-lettered', formatTime(d.deadLetteredAt)], ['Source stream', d.sourceStream], ['Group', d.group],
      ['Consumer', d.consumer], ['Deliveries', formatInt(d.deliveries)], ['Content type', d.contentType],
      ['Key', d.key], ['Error class', d.errorClass],
    ];
    const headerRows = Object.entries(d.headers || {}).map(([k, v]) => el('tr', {},
      el('td', {class: 'mono'}, k), el('td', {class: 'mono'}, v)));
    const extraFields = Object.entries(d.fields || {}).filter(([k]) => k !== 'payload' && !k.startsWith('h:'));
    const mutable = mutationsAllowed();
    return el('tr', {class: 'dl-detail', data: {detail: d.ref}}, el('td', {colSpan: 5},
      el('dl', {class: 'dl-meta'}, meta.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v === null || v === undefined ? '–' : v)])),
      el('div', {class: 'dl-block'}, el('h4', {}, 'Error'), el('pre', {data: {field: 'error'}}, d.error || '–')),
      el('div', {class: 'dl-block'}, el('h4', {}, 'Payload'), el('pre', {data: {field: 'payload'}}, prettyPayload(d))),
      el('div', {class: 'dl-block'}, el('h4', {}, 'Headers'), headerRows.length
        ? el('table', {class: 'grid', data: {field: 'headers'}}, el('tbody', {}, headerRows))
        : el('p', {class: 'empty'}, 'none')),
      extraFields.length ? el('div', {class: 'dl-block'}, el('h4', {}, 'Other fields'),
        el('pre', {}, extraFields.map(([k, v]) => `${k}: ${v}`).join('\n'))) : null,
      el('div', {class: 'dl-actions'},
        el('button', {type: 'button', class: 'primary', disabled: !mutable, data: {action: 'replay'},
          on: {click: () => replay(d)}}, `Replay to ${d.group || 'its group'}`),
        el('button', {type: 'button', class: 'danger', disabled: !mutable, data: {action: 'delete'},
          on: {click: () => remove(d)}}, 'Delete'))));
  }

  function mutationsAllowed() {
    return Boolean(state.config && state.config.mutationsEnabled);
  }

  function confirmAction(text) {
    const dialog = $('confirm');
    $('confirm-text').textContent = text;
    return new Promise((resolve) => {
      const done = (answer) => () => { dialog.close(); resolve(answer); };
      $('confirm-ok').onclick = done(true);
      $('confirm-cancel').onclick = done(false);
      dialog.oncancel = () => resolve(false);
      dialog.showModal();
    });
  }

  // Asks, runs the action (which returns the text to show), then reloads the dead letters.
  async function mutate(question, action) {
    if (!token()) {
      flash('Enter the token (top right) to replay, delete or purge.', 'error');
      $('token').focus();
      return;
    }
    if (!await confirmAction(question)) return;
    try {
      flash(await action(), 'info');
    } catch (e) {
      flash(`Failed: ${e.message}`, 'error');
    }
    state.deadLetters.open = null;
    await loadDeadLetters();
  }

  function request(method, path, success) {
    return async () => success(await api(path, {method}));
  }

  function deadLetterPath(d) {
    return `api/topics/${enc(state.selected)}/deadletters/${enc(d.partition)}/${enc(d.id)}`;
  }

  function replay(d) {
    return mutate(`Replay dead letter ${d.ref} to group "${d.group}"? It is removed from the dead letters and `
      + 'delivered to that group again.', request('POST', `${deadLetterPath(d)}/replay`,
      (b) => `Replayed ${b.replayed} as ${b.partition}/${b.id}.`));
  }

  function remove(d) {
    return mutate(`Delete dead letter ${d.ref} for good?`, request('DELETE', deadLetterPath(d),
      (b) => `Deleted ${b.deleted}.`));
  }

  function purge() {
    const topic = state.selected;
    return mutate(`Delete all dead letters of topic "${topic}" for good?`, request('DELETE',
      `api/topics/${enc(topic)}/deadletters`, (b) => `Purged ${formatInt(b.purged)} dead letters.`));
  }

  // Replays the search applied (or every dead letter), one bounded request after the other until the server says
  // the run is over: each request replays at most 1,000 and examines at most 100,000.
  function replayAllMatching() {
    const topic = state.selected;
    const query = filterQuery();
    const which = filterActive() ? `every dead letter of topic "${topic}" matching ${describeFilter()}`
      : `every dead letter of topic "${topic}"`;
    return mutate(`Replay ${which}? Each is removed from the dead letters and delivered again to the group that `
      + 'failed it, and only to that group. Dead letters whose group no longer exists are skipped and stay.',
    async () => {
      const total = {replayed: 0, skipped: 0};
      let cursor = null;
      try {
        do {
          const next = cursor ? `&cursor=${enc(cursor)}` : '';
          const b = await api(`api/topics/${enc(topic)}/deadletters/replay?limit=1000${query}${next}`,
            {method: 'POST'});
          total.replayed += b.replayed;
          total.skipped += b.skipped;
          cursor = b.nextCursor;
          if (cursor) flash(`Replaying… ${formatInt(total.replayed)} so far.`, 'info');
        } while (cursor);
      } catch (e) {
        throw new Error(`${e.message} (after ${formatInt(total.replayed)} replayed)`);
      }
      return `Replayed ${formatInt(total.replayed)} dead letter${total.replayed === 1 ? '' : 's'}`
        + (total.skipped ? `; ${formatInt(total.skipped)} skipped: no group recorded, or the group no longer exists.`
          : '.');
    });
  }

  // ---- Start -----------------------------------------------------------------------------------------------------

  function setupToken() {
    const input = $('token');
    input.value = token();
    input.addEventListener('change', () => {
      const value = input.value.trim();
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      else sessionStorage.removeItem(TOKEN_KEY);
      notice('read', null);
      if (state.streamAbort) state.streamAbort.abort(); // reconnect with the new token
      loadDeadLetters();
    });
  }


  // ---- Stream browser: newest first, bounded pages, a live tail on the samples ------------------------------------

  function resetBrowser(topic) {
    state.browser = newBrowser();
    const select = $('br-partition');
    while (select.options.length > 1) select.remove(1);
    const count = topic ? topic.partitionCount : 0;
    for (let p = 0; p < count; p++) select.append(el('option', {value: String(p)}, `partition ${p}`));
    ['br-key', 'br-header', 'br-since', 'br-until'].forEach((id) => { $(id).value = ''; });
    $('entry').hidden = true;
    renderEntries(new Set());
    $('no-entries').hidden = true;
    browseQueryFromInputs();
    loadEntries(false);
  }

  function localToIso(value) {
    return value ? new Date(value).toISOString() : '';
  }

  function browseQueryFromInputs() {
    const q = [['partition', $('br-partition').value], ['key', $('br-key').value.trim()],
      ['header', $('br-header').value.trim()], ['since', localToIso($('br-since').value)],
      ['until', localToIso($('br-until').value)]].filter(([, v]) => v);
    state.browser.query = q.map(([k, v]) => `&${k}=${enc(v)}`).join('');
  }

  function entryRef(e) { return `${e.partition}/${e.id}`; }

  async function loadEntries(append) {
    const b = state.browser;
    const topic = state.selected;
    if (!topic || b.loading) return;
    b.loading = true;
    try {
      const cursor = append && b.cursor ? `&cursor=${enc(b.cursor)}` : '';
      const page = await api(`api/topics/${enc(topic)}/entries?limit=${PAGE}${b.query}${cursor}`);
      if (state.selected !== topic || state.browser !== b) return;
      if (!append) { b.items = []; b.seen = new Set(); }
      for (const e of page.items) {
        if (!b.seen.has(entryRef(e))) { b.seen.add(entryRef(e)); b.items.push(e); }
      }
      b.cursor = page.nextCursor;
      // a filtered page reads at most scanLimit entries: fewer matches than asked for then say nothing about older ones
      const more = page.nextCursor && page.items.length < PAGE
        ? ` (at most ${formatInt(page.scanLimit)} a page): older entries may match` : '';
      const shown = b.items.length === 1 ? '1 entry' : `${formatInt(b.items.length)} entries`;
      $('br-status').textContent = `${shown} shown · the last page read `
        + `${formatInt(page.scanned)} entries${more}`;
      renderEntries(new Set());
    } catch (e) {
      $('br-status').textContent = `Cannot browse: ${e.message}`;
      if (e.parameter) markBrowseInvalid(e.parameter);
    } finally {
      b.loading = false;
    }
  }

  function markBrowseInvalid(parameter) {
    const input = $(`br-${parameter}`);
    if (input) input.setAttribute('aria-invalid', 'true');
  }

  /** The newest page again, with the same filter: what it holds that the list has not is prepended. */
  async function tailEntries(length) {
    const b = state.browser;
    const topic = state.selected;
    if (!topic || b.loading) return;
    b.loading = true;
    try {
      const page = await api(`api/topics/${enc(topic)}/entries?limit=${PAGE}${b.query}`);
      if (state.selected !== topic || state.browser !== b) return;
      const fresh = page.items.filter((e) => !b.seen.has(entryRef(e)));
      fresh.forEach((e) => b.seen.add(entryRef(e)));
      b.items = fresh.concat(b.items);
      b.length = length;
      renderEntries(new Set(fresh.map(entryRef)));
    } catch (e) {
      $('br-status').textContent = `Live tail interrupted: ${e.message}`;
    } finally {
      b.loading = false;
    }
  }

  function renderEntries(fresh) {
    const b = state.browser;
    const tbody = $('entries').tBodies[0];
    clear(tbody);
    for (const e of b.items) {
      const headers = Object.entries(e.headers || {}).map(([k, v]) => `${k}: ${v}`).join(', ');
      tbody.append(el('tr', {class: 'selectable' + (fresh.has(entryRef(e)) ? ' fresh' : ''),
        data: {entry: entryRef(e)}, on: {click: () => openEntry(e)}},
      el('td', {}, formatTime(e.timestamp)),
      el('td', {class: 'mono', data: {field: 'ref'}}, entryRef(e)),
      el('td', {class: 'mono', data: {field: 'key'}}, e.key === null || e.key === undefined ? '–' : e.key),
      el('td', {class: 'mono', data: {field: 'headers'}}, headers || '–'),
      el('td', {class: 'num'}, e.size === null || e.size === undefined ? '–' : formatInt(e.size)),
      el('td', {class: 'mono', data: {field: 'preview'}}, e.preview === null ? '(no payload)' : e.preview)));
    }
    $('no-entries').hidden = b.items.length > 0;
    $('br-more').hidden = !b.cursor;
  }

  async function openEntry(e) {
    const topic = state.selected;
    try {
      const d = await api(`api/topics/${enc(topic)}/entries/${e.partition}/${enc(e.id)}`);
      if (state.selected !== topic) return;
      state.browser.open = entryRef(d);
      renderEntry(d);
    } catch (err) {
      flash(`Cannot open ${entryRef(e)}: ${err.message}`, 'error');
    }
  }

  function valueBlock(v, field) {
    if (!v) return [el('p', {class: 'empty'}, 'none')];
    const note = v.kind === 'binary' ? `binary, ${formatInt(v.size)} bytes, shown as hex`
      : `${v.kind}, ${formatInt(v.size)} bytes`;
    return [el('span', {class: 'kind', data: {kind: v.kind}}, note + (v.truncated ? ' (first 64 KiB shown)' : '')),
      el('pre', {data: {field}}, v.text)];
  }

  function renderEntry(d) {
    const box = $('entry');
    clear(box);
    box.dataset.entry = entryRef(d);
    const meta = [['Entry', entryRef(d)], ['Stored', formatTime(d.timestamp)], ['Key', d.key],
      ['Content type', d.contentType], ['Size', d.size === null ? null : `${formatInt(d.size)} bytes`]];
    const headerRows = Object.entries(d.headers || {}).map(([k, v]) => el('tr', {},
      el('td', {class: 'mono'}, k), el('td', {class: 'mono'}, v)));
    const pendingRows = (d.pending || []).map((p) => el('tr', {},
      el('td', {class: 'mono'}, p.group), el('td', {class: 'mono'}, p.consumer),
      el('td', {class: 'num'}, formatInt(p.deliveries)), el('td', {class: 'num'}, formatDuration(p.idleMs))));
    const fieldRows = (d.fields || []).map((f) => el('tr', {},
      el('td', {class: 'mono'}, f.name), el('td', {}, valueBlock(f.value, 'value'))));
    box.append(
      el('div', {class: 'dl-head'}, el('h3', {}, 'Entry ', el('span', {class: 'mono'}, entryRef(d))),
        el('button', {type: 'button', on: {click: () => { box.hidden = true; }}}, 'Close')),
      el('dl', {class: 'dl-meta'}, meta.flatMap(([k, v]) => [el('dt', {}, k),
        el('dd', {}, v === null || v === undefined ? '–' : v)])),
      el('h4', {}, 'Payload'), ...valueBlock(d.payload, 'entry-payload'),
      el('h4', {}, 'Pending'), pendingRows.length
        ? el('table', {class: 'grid', data: {field: 'pending'}}, el('thead', {}, el('tr', {}, el('th', {}, 'Group'),
          el('th', {}, 'Consumer'), el('th', {class: 'num'}, 'Deliveries'), el('th', {class: 'num'}, 'Idle'))),
        el('tbody', {}, pendingRows))
        : el('p', {class: 'empty', data: {field: 'pending'}}, 'not pending in any group'),
      el('h4', {}, 'Headers'), headerRows.length
        ? el('table', {class: 'grid', data: {field: 'entry-headers'}}, el('tbody', {}, headerRows))
        : el('p', {class: 'empty'}, 'none'),
      el('h4', {}, 'Fields'), el('table', {class: 'grid', data: {field: 'fields'}}, el('tbody', {}, fieldRows)));
    box.hidden = false;
    box.scrollIntoView({block: 'nearest'});
  }

  function applyBrowse(event) {
    if (event) event.preventDefault();
    document.querySelectorAll('#br-search [aria-invalid]').forEach((i) => i.removeAttribute('aria-invalid'));
    // a fresh state: a page or tail still on its way for the old filter is then dropped, not mixed in
    state.browser = newBrowser();
    browseQueryFromInputs();
    loadEntries(false);
  }

  async function start() {
    setupToken();
    $('dl-more').addEventListener('click', () => loadDeadLetters(true));
    $('dl-purge').addEventListener('click', purge);
    $('dl-replay-all').addEventListener('click', replayAllMatching);
    $('dl-search').addEventListener('submit', applySearch);
    $('dl-search-clear').addEventListener('click', clearSearch);
    $('dl-group').addEventListener('change', () => applySearch());
    $('br-search').addEventListener('submit', applyBrowse);
    $('br-partition').addEventListener('change', () => applyBrowse());
    $('br-more').addEventListener('click', () => loadEntries(true));
    try {
      state.config = await api('api/config');
    } catch (e) {
      notice('config', `Cannot reach the dashboard API: ${e.message}`, 'error');
      return;
    }
    if (!state.config.mutationsEnabled) notice('mutations', state.config.howToEnableMutations, 'info');
    if (state.config.readTokenRequired && !token()) {
      notice('read', 'This dashboard requires a token to show anything: enter it at the top right.', 'info');
    }
    stream();
  }

  start();
})();
