// The consume viewer: a live table of records (virtualized: only the rows in view exist in the DOM),
// filters, per-partition offsets and lag, and a details pane. Every string from a record is set with
// textContent: a record is untrusted input and never becomes HTML.
import { button, checkbox, statusLine, textField } from '../components/controls';
import { onHostMessage, vscodeApi } from '../components/vscodeApi';
import type { FilterValues, PartitionStatus, RecordDetails, Row, ViewerInit, ViewerMessage, ViewerRequest } from './protocol';

const api = vscodeApi<ViewerRequest>();
const post = (m: ViewerRequest) => api.postMessage(m);

const ROW_HEIGHT = 22;
const OVERSCAN = 10;
const COLUMNS = ['partition', 'offset', 'timestamp', 'key', 'value', 'headers'] as const;

const style = document.createElement('style');
style.textContent = `
body { padding: 0 8px; }
#app { display: flex; flex-direction: column; height: 100vh; gap: 6px; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.bar .field { margin: 0; }
.badge { padding: 1px 6px; border-radius: 3px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
.badge[data-state="reconnecting"], .badge[data-state="stopped"] { background: var(--vscode-inputValidation-errorBackground); }
.muted { opacity: 0.75; }
.notice[data-kind="error"], .outage { color: var(--vscode-errorForeground); }
#partitions table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
#partitions td, #partitions th { padding: 0 8px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border); }
.main { display: flex; flex-direction: column; flex: 1; min-height: 0; gap: 6px; }
.grid { flex: 1 1 60%; display: flex; flex-direction: column; min-height: 8em; border: 1px solid var(--vscode-panel-border); }
.grid-head, .row { display: grid; grid-template-columns: 3.5em 5.5em 12em minmax(4em,1fr) minmax(6em,3fr) 3em; }
.grid-head { font-weight: bold; border-bottom: 1px solid var(--vscode-panel-border); }
.grid-head span, .row span { padding: 0 4px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; line-height: ${ROW_HEIGHT}px; }
.viewport { flex: 1; overflow-y: auto; overflow-x: hidden; position: relative; }
.spacer { position: relative; }
.row { position: absolute; left: 0; right: 0; height: ${ROW_HEIGHT}px; cursor: pointer; }
.row:hover { background: var(--vscode-list-hoverBackground); }
.row.selected { background: var(--vscode-list-activeSelectionBackground); color: var(--vscode-list-activeSelectionForeground); }
.row.undecodable .c-value { color: var(--vscode-editorWarning-foreground); }
.details { flex: 0 1 35%; overflow: auto; min-height: 4em; border: 1px solid var(--vscode-panel-border); padding: 4px 8px; }
.details pre { white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
.details h4 { margin: 8px 0 2px; }
`;
document.head.append(style);

const app = document.getElementById('app')!;
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: { id?: string; className?: string; text?: string } = {}) => {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  return e;
};

// Header: state, rate, counts and the tail's buttons.
const title = el('h3', { id: 'title' });
const summary = el('div', { id: 'summary', className: 'muted' });
const stateBadge = el('span', { id: 'state', className: 'badge', text: 'starting' });
const rate = el('span', { id: 'rate', text: '0 records/s' });
const counts = el('span', { id: 'counts', className: 'muted' });
const outage = el('div', { id: 'outage', className: 'outage' });
const evictedNote = el('div', { id: 'evicted', className: 'muted' });
const notice = statusLine('notice');
notice.root.classList.add('notice');

let paused = false;
let stopped = false;
let selected: RecordDetails | undefined;
let init: ViewerInit | undefined;

const pauseButton = button({
  id: 'pause',
  label: 'Pause',
  secondary: true,
  onClick: () => {
    paused = !paused;
    post({ type: paused ? 'pause' : 'resume' });
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
  },
});
const stopButton = button({
  id: 'stop',
  label: 'Stop',
  secondary: true,
  onClick: () => post({ type: 'stop' }),
});
const clearButton = button({ id: 'clear', label: 'Clear', secondary: true, onClick: () => post({ type: 'clear' }) });
const commitButton = button({ id: 'commit', label: 'Commit', onClick: () => post({ type: 'commit' }) });
commitButton.title = 'Commit the last record shown in every partition';
const exportButton = button({ id: 'export', label: 'Export JSON Lines…', secondary: true, onClick: () => post({ type: 'export' }) });

const toolbar = el('div', { className: 'bar' });
toolbar.append(stateBadge, rate, counts, pauseButton, stopButton, clearButton, commitButton, exportButton);

// Filters.
const filterFields = {
  partitions: textField({ id: 'f-partitions', label: 'Partitions', placeholder: 'e.g. 0, 2' }),
  key: textField({ id: 'f-key', label: 'Key contains' }),
  text: textField({ id: 'f-text', label: 'Value contains' }),
  regex: checkbox({ id: 'f-regex', label: 'Regex' }),
  from: textField({ id: 'f-from', label: 'From', placeholder: '2024-05-01T12:00Z' }),
  to: textField({ id: 'f-to', label: 'To' }),
};
const filterValues = (): FilterValues => ({
  partitions: filterFields.partitions.get(),
  key: filterFields.key.get(),
  text: filterFields.text.get(),
  regex: filterFields.regex.get(),
  from: filterFields.from.get(),
  to: filterFields.to.get(),
});
const applyFilter = button({ id: 'f-apply', label: 'Filter', onClick: () => post({ type: 'filter', filter: filterValues() }) });
const resetFilter = button({
  id: 'f-reset',
  label: 'Reset',
  secondary: true,
  onClick: () => {
    for (const f of [filterFields.partitions, filterFields.key, filterFields.text, filterFields.from, filterFields.to]) f.set('');
    filterFields.regex.set(false);
    post({ type: 'filter', filter: filterValues() });
  },
});
const filterBar = el('div', { className: 'bar', id: 'filters' });
filterBar.append(...Object.values(filterFields).map((f) => f.root), applyFilter, resetFilter);

// Per-partition offsets.
const partitionsBox = el('div', { id: 'partitions' });

// The table.
const grid = el('div', { className: 'grid' });
const head = el('div', { className: 'grid-head' });
for (const c of COLUMNS) head.append(el('span', { text: c === 'headers' ? 'hdrs' : c }));
const viewport = el('div', { className: 'viewport', id: 'viewport' });
const spacer = el('div', { className: 'spacer' });
viewport.append(spacer);
grid.append(head, viewport);

// The details pane.
const details = el('div', { className: 'details', id: 'details' });
details.append(el('div', { className: 'muted', text: 'Select a record to see it whole.' }));

const main = el('div', { className: 'main' });
main.append(grid, details);
app.append(title, summary, toolbar, outage, evictedNote, notice.root, filterBar, partitionsBox, main);

// The table is virtualized against the host: it knows how many rows match (`count`) and holds only
// the page around the viewport (`page`, starting at index `pageFrom`); scrolling asks for another.
let count = 0;
let page: Row[] = [];
let pageFrom = 0;
let followTail = true;
let selectedSeq: number | undefined;
const pool: HTMLElement[] = [];

function rowElement(i: number): HTMLElement {
  let e = pool[i];
  if (!e) {
    e = el('div', { className: 'row' });
    for (const c of COLUMNS) e.append(el('span', { className: `c-${c}` }));
    e.addEventListener('click', () => {
      if (!e.dataset.seq) return;
      const seq = Number(e.dataset.seq);
      selectedSeq = seq;
      post({ type: 'select', seq });
      render();
    });
    pool[i] = e;
    spacer.append(e);
  }
  return e;
}

function formatTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString().replace('T', ' ').replace('Z', '');
}

function visibleRange(): { first: number; last: number } {
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
  return { first, last };
}

function render(): void {
  spacer.style.height = `${count * ROW_HEIGHT}px`;
  const { first, last } = visibleRange();
  let used = 0;
  for (let i = first; i < last; i++) {
    const r = page[i - pageFrom];
    if (!r) continue; // not loaded yet: the host sends it after the window message
    const e = rowElement(used++);
    e.hidden = false;
    e.style.top = `${i * ROW_HEIGHT}px`;
    e.dataset.seq = String(r.seq);
    e.classList.toggle('selected', r.seq === selectedSeq);
    e.classList.toggle('undecodable', Boolean(r.decodeError));
    const cells = e.children as HTMLCollectionOf<HTMLElement>;
    cells[0].textContent = String(r.partition);
    cells[1].textContent = r.offset;
    cells[2].textContent = formatTime(r.timestamp);
    cells[3].textContent = r.keyPreview ?? '(null)';
    cells[4].textContent = r.valuePreview ?? '(null)';
    cells[4].title = r.decodeError ?? '';
    cells[5].textContent = String(r.headerCount);
  }
  for (let i = used; i < pool.length; i++) {
    pool[i].hidden = true;
    delete pool[i].dataset.seq;
  }
}

let lastWindow = '';
function requestWindow(): void {
  const { first, last } = visibleRange();
  const size = Math.max(last - first, Math.ceil(viewport.clientHeight / ROW_HEIGHT) + OVERSCAN * 2, 20);
  const key = `${followTail ? 'f' : first}:${size}`;
  if (key === lastWindow) return;
  lastWindow = key;
  post({ type: 'window', from: first, size, follow: followTail });
}

function scrollToTail(): void {
  viewport.scrollTop = Math.max(0, count * ROW_HEIGHT - viewport.clientHeight);
}

viewport.addEventListener('scroll', () => {
  // At the bottom the table follows the tail; anywhere else it stays on the rows in view.
  followTail = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_HEIGHT;
  render();
  requestWindow();
});
new ResizeObserver(() => {
  render();
  requestWindow();
}).observe(viewport);

function onView(m: Extract<ViewerMessage, { type: 'view' }>): void {
  if (m.reset) {
    followTail = true;
    lastWindow = '';
  }
  count = m.count;
  page = m.rows;
  pageFrom = m.from;
  spacer.style.height = `${count * ROW_HEIGHT}px`;
  if (followTail) scrollToTail();
  else if (m.dropped > 0) {
    // Rows left the front: move up with them so the same records stay in view.
    viewport.scrollTop = Math.max(0, viewport.scrollTop - m.dropped * ROW_HEIGHT);
  }
  render();
  requestWindow();
  if (m.upToSeq >= 0) post({ type: 'displayed', upToSeq: m.upToSeq });
}

let lastCommitAt: number | undefined;

function showPartitions(partitions: PartitionStatus[], committedAt?: number): void {
  if (committedAt) lastCommitAt = committedAt;
  const table = el('table');
  const headRow = el('tr');
  for (const h of ['partition', 'earliest', 'latest', 'position', 'committed', 'lag']) headRow.append(el('th', { text: h }));
  table.append(headRow);
  for (const p of partitions) {
    const tr = el('tr');
    tr.dataset.partition = String(p.partition);
    for (const v of [String(p.partition), p.low, p.high, p.position ?? '–', p.committed ?? '–', p.lag ?? '–']) tr.append(el('td', { text: v }));
    table.append(tr);
  }
  const caption = el('div', {
    className: 'muted',
    text: init?.groupId
      ? `Group ${init.groupId}${lastCommitAt ? ` · last commit confirmed at ${new Date(lastCommitAt).toLocaleTimeString()}` : ''}`
      : 'No group: nothing is committed; lag counts from this viewer’s position.',
  });
  partitionsBox.replaceChildren(caption, table);
}

function textBlock(label: string, text: string, id?: string): HTMLElement[] {
  const pre = el('pre', { id, text });
  return [el('h4', { text: label }), pre];
}

function showDetails(record: RecordDetails | undefined): void {
  selected = record;
  if (!record) {
    details.replaceChildren(el('div', { className: 'muted', text: 'That record has left the buffer.' }));
    return;
  }
  const parts: HTMLElement[] = [];
  const meta = `${record.topic} · partition ${record.partition} · offset ${record.offset} · ${formatTime(record.timestamp)} · ${record.valueBytes} bytes`;
  parts.push(el('div', { id: 'detail-meta', text: meta }));
  const actions = el('div', { className: 'bar' });
  actions.append(
    button({ id: 'copy-value', label: 'Copy value', secondary: true, onClick: () => selected && post({ type: 'copy', seq: selected.seq }) }),
    button({ id: 'produce-similar', label: 'Produce similar…', secondary: true, onClick: () => selected && post({ type: 'produceSimilar', seq: selected.seq }) }),
  );
  if (init?.groupId && !stopped) {
    actions.append(
      button({
        id: 'commit-selected',
        label: 'Commit through this record',
        secondary: true,
        onClick: () => selected && post({ type: 'commit', upTo: { partition: selected.partition, offset: selected.offset } }),
      }),
    );
  }
  parts.push(actions);
  parts.push(...textBlock(`Key${record.key ? ` (${record.key.format})` : ''}`, record.key?.text ?? '(null)', 'detail-key'));
  if (record.key?.error) parts.push(el('div', { className: 'notice', text: record.key.error }));
  parts.push(...textBlock(`Value${record.value ? ` (${record.value.format})` : ''}`, record.value?.text ?? '(null)', 'detail-value'));
  if (record.value?.error) parts.push(el('div', { className: 'notice', id: 'detail-value-error', text: record.value.error }));
  parts.push(el('h4', { text: `Headers (${record.headers.length})` }));
  const list = el('ul', { id: 'detail-headers' });
  for (const h of record.headers) list.append(el('li', { text: `${h.key}: ${h.value?.text ?? '(null)'}` }));
  parts.push(list);
  details.replaceChildren(...parts);
}

onHostMessage<ViewerMessage>((m) => {
  switch (m.type) {
    case 'init':
      init = m.init;
      title.textContent = `${m.init.topic} — ${m.init.connectionName}`;
      summary.textContent = m.init.summary;
      commitButton.hidden = !m.init.groupId;
      break;
    case 'view':
      onView(m);
      break;
    case 'stats':
      stateBadge.textContent = m.state;
      stateBadge.dataset.state = m.state;
      rate.textContent = `${m.recordsPerSecond.toLocaleString('en-US')} records/s`;
      counts.textContent = `${m.received.toLocaleString('en-US')} received · ${count.toLocaleString('en-US')} shown · ${m.buffered.toLocaleString('en-US')} buffered`;
      evictedNote.textContent =
        m.evicted > 0 ? `${m.evicted.toLocaleString('en-US')} older records left the buffer (it keeps the newest ${init?.capacity.toLocaleString('en-US') ?? ''}).` : '';
      outage.textContent = m.state === 'reconnecting' ? `Cluster unreachable, reconnecting… ${m.message ?? ''}` : m.state === 'stopped' && m.message ? m.message : '';
      stopped = m.state === 'stopped';
      pauseButton.disabled = stopped;
      stopButton.disabled = stopped;
      commitButton.disabled = stopped;
      break;
    case 'partitions':
      showPartitions(m.partitions, m.committedAt);
      break;
    case 'details':
      showDetails(m.record);
      break;
    case 'notice':
      notice.show(m.text, m.kind === 'error' ? 'error' : 'info');
      notice.root.dataset.kind = m.kind;
      break;
  }
});

post({ type: 'ready' });
