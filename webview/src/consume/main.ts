// The consume viewer: a one-line toolbar, folding bars (source, filters, partitions), the records
// grid filling the editor and the selected record beside or below it. Every string from a record
// is set with textContent: a record is untrusted input and never becomes HTML.
import './viewer.css';
import { onHostMessage, vscodeApi } from '../components/vscodeApi';
import { el, iconButton, input, labelled, select, setIcon, toggleButton } from './dom';
import { BIDI_WARNING, formatBytes, formatTime, prettyIfJson, visible } from './format';
import { RecordGrid, type GridState } from './grid';
import { ToolbarOverflow } from './overflow';
import { TimelineStrip } from './timeline';
import type { FilterValues, PartitionStatus, RecordDetails, SourceValues, ViewerInit, ViewerMessage, ViewerRequest } from './protocol';
import { loadBundleStyles } from '../components/stylesheet';

interface UiState extends GridState {
  layout?: 'right' | 'below';
  detailsSize?: number;
  open?: { source?: boolean; filters?: boolean; partitions?: boolean; timeline?: boolean };
}

const api = vscodeApi<ViewerRequest, UiState>();
const post = (m: ViewerRequest) => api.postMessage(m);
let ui: UiState = api.getState() ?? {};
const saveUi = (patch: Partial<UiState>) => {
  ui = { ...ui, ...patch };
  api.setState(ui);
};

// The stylesheet (with the codicon font) is built beside this script; "ready" waits for both.
const styles = loadBundleStyles(import.meta.url);

const app = document.getElementById('app')!;
let init: ViewerInit | undefined;
let stopped = false;
let paused = false;
let selected: RecordDetails | undefined;

// Toolbar: state, rate, counts, new rows, the tail's buttons, search, the folding bars, export.
const stateBadge = el('span', { id: 'state-badge', className: 'badge', role: 'status' });
const stateIcon = el('span', { className: 'codicon codicon-loading codicon-modifier-spin' });
stateIcon.setAttribute('aria-hidden', 'true');
const stateText = el('span', { id: 'state', text: 'starting' });
stateBadge.append(stateIcon, stateText);
const rate = el('span', { id: 'rate', className: 'text', text: '0/s', title: 'Records received per second' });
const counts = el('span', { id: 'counts', className: 'text muted grow' });
const evicted = el('span', { id: 'evicted', className: 'text muted' });
evicted.hidden = true;
const newRecords = el('button', { id: 'new-records', className: 'new-records', title: 'Scroll to the newest record and follow the tail' });
newRecords.hidden = true;

const pauseButton = iconButton('pause', 'debug-pause', 'Pause', () => {
  paused = !paused;
  post({ type: paused ? 'pause' : 'resume' });
  setIcon(pauseButton, paused ? 'debug-continue' : 'debug-pause', paused ? 'Resume' : 'Pause');
});
const stopButton = iconButton('stop', 'debug-stop', 'Stop (leave the group; the records stay)', () => post({ type: 'stop' }));
const clearButton = iconButton('clear', 'clear-all', 'Clear the records shown (the tail goes on)', () => post({ type: 'clear' }));
const commitButton = iconButton('commit', 'check-all', 'Commit the last record shown in every partition', () => post({ type: 'commit' }));

const search = el('div', { className: 'search' });
const SEARCH_HELP = 'Search: text, "quoted text", /regex/, key:…, value:…, header:name=value, partition:0,2, offset>=100, $.customer.id == 42; AND, OR, NOT (Ctrl+F)';
const searchInput = input('search', 'Search records', 'Search: text, /regex/, key:…, header:…=…, $.path == 42 (Ctrl+F)');
searchInput.title = SEARCH_HELP;
const regexToggle = toggleButton('regex', 'regex', 'Use regular expression', () => sendFilter());
search.append(searchInput, regexToggle);
const searchTopicButton = iconButton('search-topic', 'search', 'Search topic… (the whole topic in Kafka, not just the records shown)', () => post({ type: 'searchTopic', query: searchInput.value }));

const sourceToggle = toggleButton('toggle-source', 'settings', 'Source: start, partitions, group, isolation, formats', (on) => showBar('source', on));
const filtersToggle = toggleButton('toggle-filters', 'filter', 'Filters: partitions, key, time range', (on) => showBar('filters', on));
const partitionsToggle = toggleButton('toggle-partitions', 'list-flat', 'Partitions: offsets, position, committed, lag', (on) => showBar('partitions', on));
const timelineToggle = toggleButton('toggle-timeline', 'graph', 'Timeline: records over time (drag across it to restart the tail or search the topic there)', (on) => {
  showTimeline(on);
  // The keys (arrows, Enter, Escape) act where the focus is: on the chart.
  if (on) timeline.focus();
});
const layoutButton = iconButton('layout', 'split-horizontal', 'Details below the table', () => setLayout(layout() === 'right' ? 'below' : 'right'));
const exportButton = iconButton('export', 'export', 'Export the filtered records as JSON Lines…', () => post({ type: 'export' }));

const sep = () => el('span', { className: 'sep', role: 'separator' });
const toolbar = el('div', { className: 'toolbar', role: 'toolbar', label: 'Viewer' });
toolbar.append(
  stateBadge,
  rate,
  counts,
  evicted,
  newRecords,
  sep(),
  pauseButton,
  stopButton,
  clearButton,
  commitButton,
  sep(),
  search,
  searchTopicButton,
  sep(),
  sourceToggle,
  filtersToggle,
  partitionsToggle,
  timelineToggle,
  layoutButton,
  exportButton,
);
// Too narrow for every button: the trailing ones go into a "More Actions…" menu (export first).
const overflow = new ToolbarOverflow(toolbar, [exportButton, layoutButton, timelineToggle, partitionsToggle, filtersToggle, sourceToggle, searchTopicButton]);
toolbar.append(overflow.button);

const notice = el('div', { id: 'notice', className: 'notice', role: 'status' });
const outage = el('div', { id: 'outage', className: 'outage', role: 'alert' });

// Source bar: what the tail reads and how it decodes; a change restarts the tail in place.
const sourceBar = el('div', { id: 'source', className: 'bar', role: 'region', label: 'Source' });
const summary = el('div', { id: 'summary', className: 'summary' });
const sStart = select('s-start', 'Start at', [
  { value: 'newest', label: 'Newest N per partition' },
  { value: 'earliest', label: 'Earliest' },
  { value: 'latest', label: 'Latest' },
  { value: 'offset', label: 'Offset' },
  { value: 'timestamp', label: 'Timestamp' },
  { value: 'committed', label: "Group's committed offset" },
]);
const sStartValue = input('s-start-value', 'Start value', '');
const sPartitions = input('s-partitions', 'Partitions (empty: all)', 'all');
const sGroup = input('s-group', 'Consumer group (empty: no group)', 'no group');
const sCommit = select('s-commit', 'Commit mode', [
  { value: 'manual', label: 'Manual commit' },
  { value: 'automatic', label: 'Automatic commit' },
  { value: 'afterDisplay', label: 'Commit after display' },
]);
const sIsolation = select('s-isolation', 'Isolation', [
  { value: 'read_committed', label: 'read_committed' },
  { value: 'read_uncommitted', label: 'read_uncommitted' },
]);
const sKey = select('s-key', 'Key format', []);
const sValue = select('s-value', 'Value format', []);
const startValueField = labelled('', sStartValue);
sourceBar.append(
  labelled('Start', sStart),
  startValueField,
  labelled('Partitions', sPartitions),
  labelled('Group', sGroup),
  sCommit,
  labelled('Isolation', sIsolation),
  labelled('Key', sKey),
  labelled('Value', sValue),
  summary,
);

function sourceValues(): SourceValues {
  return {
    start: sStart.value as SourceValues['start'],
    startValue: sStartValue.value,
    partitions: sPartitions.value,
    group: sGroup.value,
    commit: sCommit.value as SourceValues['commit'],
    isolation: sIsolation.value as SourceValues['isolation'],
    keyFormat: sKey.value,
    valueFormat: sValue.value,
  };
}

function showStartValue(): void {
  const kind = sStart.value;
  startValueField.hidden = !['newest', 'offset', 'timestamp'].includes(kind);
  const hint = { newest: ['Records', '100'], offset: ['Offset', 'e.g. 120, or 0:120, 1:87'], timestamp: ['Time', '2024-05-01T12:00:00Z'] }[kind];
  if (hint) {
    (startValueField.firstChild as HTMLElement).textContent = hint[0];
    sStartValue.placeholder = hint[1];
  }
  sCommit.disabled = !sGroup.value.trim();
}

function restart(): void {
  showStartValue();
  // An offset or a time needs its value first: the restart waits for it.
  if ((sStart.value === 'offset' || sStart.value === 'timestamp') && !sStartValue.value.trim()) {
    sStartValue.focus();
    return;
  }
  post({ type: 'restart', source: sourceValues() });
}
for (const s of [sStart, sCommit, sIsolation, sKey, sValue]) s.addEventListener('change', restart);
// Text fields apply on Enter or when they lose the focus.
for (const i of [sStartValue, sPartitions, sGroup]) i.addEventListener('change', restart);

function fillSource(source: SourceValues, formats: { name: string; label: string }[]): void {
  for (const s of [sKey, sValue]) {
    s.replaceChildren(
      ...formats.map((f) => {
        const o = el('option', { text: f.label });
        o.value = f.name;
        return o;
      }),
    );
  }
  sStart.value = source.start;
  sStartValue.value = source.startValue;
  sPartitions.value = source.partitions;
  sGroup.value = source.group;
  sCommit.value = source.commit;
  sIsolation.value = source.isolation;
  sKey.value = source.keyFormat;
  sValue.value = source.valueFormat;
  showStartValue();
}

// Filters: narrow the buffered records; applied as you type.
const filterBar = el('div', { id: 'filters', className: 'bar', role: 'region', label: 'Filters' });
const fPartitions = input('f-partitions', 'Only partitions', 'e.g. 0, 2');
const fKey = input('f-key', 'Key contains', '');
const fFrom = input('f-from', 'From time', '2024-05-01T12:00Z');
const fTo = input('f-to', 'To time', '');
const fReset = iconButton('f-reset', 'clear-all', 'Reset the filters and the search', () => {
  for (const i of [fPartitions, fKey, fFrom, fTo, searchInput]) i.value = '';
  regexToggle.set(false);
  sendFilter();
});
filterBar.append(labelled('Partitions', fPartitions), labelled('Key contains', fKey), labelled('From', fFrom), labelled('To', fTo), fReset);

function filterValues(): FilterValues {
  return { partitions: fPartitions.value, key: fKey.value, text: searchInput.value, regex: regexToggle.getAttribute('aria-pressed') === 'true', from: fFrom.value, to: fTo.value };
}

let filterTimer: number | undefined;
let lastFilter = '';
function sendFilter(): void {
  window.clearTimeout(filterTimer);
  const f = filterValues();
  if (f.regex && f.text) {
    try {
      new RegExp(f.text);
    } catch (e) {
      search.classList.add('invalid');
      searchInput.title = `Invalid regular expression: ${(e as Error).message}`;
      searchInput.setAttribute('aria-invalid', 'true');
      // Said where it is seen (not only in a tooltip); the rows shown stay as they were.
      notice.textContent = `${searchInput.title}. Fix the pattern, or turn off .* to search for the text as typed.`;
      notice.title = notice.textContent;
      notice.dataset.kind = 'error';
      return;
    }
  }
  search.classList.remove('invalid');
  searchInput.title = SEARCH_HELP;
  searchInput.removeAttribute('aria-invalid');
  const key = JSON.stringify(f);
  if (key === lastFilter) return;
  lastFilter = key;
  post({ type: 'filter', filter: f });
}
const debouncedFilter = () => {
  window.clearTimeout(filterTimer);
  filterTimer = window.setTimeout(sendFilter, 200);
};
for (const i of [searchInput, fPartitions, fKey, fFrom, fTo]) i.addEventListener('input', debouncedFilter);
searchInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') sendFilter();
  if (e.key === 'Escape' && searchInput.value) {
    searchInput.value = '';
    sendFilter();
  }
});

// Per-partition offsets.
const partitionsBar = el('div', { id: 'partitions', className: 'bar', role: 'region', label: 'Partitions' });

const bars = { source: sourceBar, filters: filterBar, partitions: partitionsBar };
const toggles = { source: sourceToggle, filters: filtersToggle, partitions: partitionsToggle };
function showBar(which: keyof typeof bars, on: boolean): void {
  bars[which].hidden = !on;
  toggles[which].set(on);
  saveUi({ open: { ...ui.open, [which]: on } });
}

// The timeline strip: counts per time bucket; a dragged range restarts the tail or searches the topic.
const timeline = new TimelineStrip(
  {
    request: (buckets) => post({ type: 'timeline', buckets }),
    brush: (from, to, use) => post({ type: 'timelineBrush', from, to, use, query: searchInput.value }),
    closed: () => {
      showTimeline(false);
      timelineToggle.focus();
    },
  },
  'local',
);
function showTimeline(on: boolean): void {
  if (on) timeline.open();
  else timeline.close();
  timelineToggle.set(on);
  saveUi({ open: { ...ui.open, timeline: on } });
}

// The grid and the details.
const grid = new RecordGrid(
  {
    window: (from, size, follow) => post({ type: 'window', from, size, follow }),
    open: (seq, focusDetails) => {
      post({ type: 'select', seq });
      if (focusDetails) detailsFocus = true;
    },
    sort: (sort) => post({ type: 'sort', sort }),
    displayed: (upToSeq) => post({ type: 'displayed', upToSeq }),
    pending: (n) => {
      newRecords.hidden = n === 0;
      newRecords.textContent = `${n.toLocaleString('en-US')} new ↓`;
    },
  },
  ui,
  (s) => saveUi(s),
);
newRecords.addEventListener('click', () => grid.scrollToEnd());
let detailsFocus = false;

const details = el('div', { id: 'details', className: 'details', role: 'region', label: 'Record details' });
details.tabIndex = -1;
details.append(el('div', { className: 'meta', text: 'Select a record (click, or arrow keys and Enter) to see it whole.' }));
const splitter = el('div', { className: 'splitter', role: 'separator', title: 'Drag to resize the details' });
const main = el('div', { className: 'main' });
main.append(grid.root, splitter, details);
app.append(toolbar, notice, outage, sourceBar, filterBar, partitionsBar, timeline.root, main, overflow.menu);
grid.attached();
for (const k of Object.keys(bars) as (keyof typeof bars)[]) {
  bars[k].hidden = !ui.open?.[k];
  toggles[k].set(Boolean(ui.open?.[k]));
}
timeline.root.hidden = true;

function layout(): 'right' | 'below' {
  if (ui.layout) return ui.layout;
  if (init?.detailsPosition === 'right' || init?.detailsPosition === 'below') return init.detailsPosition;
  // Beside only when the grid keeps room for its columns and a readable value.
  return window.innerWidth >= 1200 ? 'right' : 'below';
}
function setLayout(l?: 'right' | 'below'): void {
  if (l) saveUi({ layout: l, detailsSize: undefined });
  const now = layout();
  main.classList.toggle('right', now === 'right');
  main.classList.toggle('below', now === 'below');
  splitter.setAttribute('aria-orientation', now === 'right' ? 'vertical' : 'horizontal');
  setIcon(layoutButton, now === 'right' ? 'split-vertical' : 'split-horizontal', now === 'right' ? 'Details below the table' : 'Details beside the table');
  if (ui.detailsSize) main.style.setProperty('--details-size', `${ui.detailsSize}px`);
  else main.style.removeProperty('--details-size');
}
setLayout();
window.addEventListener('resize', () => !ui.layout && setLayout());

splitter.addEventListener('pointerdown', (e) => {
  e.preventDefault();
  splitter.setPointerCapture(e.pointerId);
  splitter.classList.add('dragging');
  const rect = main.getBoundingClientRect();
  const move = (m: PointerEvent) => {
    const size = layout() === 'right' ? rect.right - m.clientX : rect.bottom - m.clientY;
    const max = (layout() === 'right' ? rect.width : rect.height) - 120;
    ui.detailsSize = Math.round(Math.max(120, Math.min(max, size)));
    main.style.setProperty('--details-size', `${ui.detailsSize}px`);
  };
  const up = () => {
    splitter.classList.remove('dragging');
    splitter.removeEventListener('pointermove', move);
    splitter.removeEventListener('pointerup', up);
    saveUi({ detailsSize: ui.detailsSize });
  };
  splitter.addEventListener('pointermove', move);
  splitter.addEventListener('pointerup', up);
});

document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
    e.preventDefault();
    searchInput.focus();
    searchInput.select();
  }
});

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
    className: 'summary',
    text: init?.groupId
      ? `Group ${init.groupId}${lastCommitAt ? ` · last commit confirmed at ${new Date(lastCommitAt).toLocaleTimeString()}` : ''}`
      : 'No group: nothing is committed; lag counts from this viewer’s position.',
  });
  partitionsBar.replaceChildren(table, caption);
}

function textBlock(label: string, text: string, id: string, format?: string): HTMLElement[] {
  const pretty = format && format !== 'raw' && format !== 'hex' && format !== 'base64' ? prettyIfJson(text) : { text, json: false };
  const shown = visible(pretty.text);
  const out: HTMLElement[] = [el('h4', { id: `${id}-label`, text: label }), el('pre', { id, text: shown.text })];
  if (shown.bidi) out.push(el('div', { className: 'warning', id: `${id}-bidi`, text: BIDI_WARNING }));
  return out;
}

/** The format a key or value is shown in, as the details name it ("raw" is the hex of bytes that did not decode). */
const formatName = (format: string) => (format === 'raw' ? 'hex' : format);

function showDetails(record: RecordDetails | undefined): void {
  selected = record;
  if (!record) {
    details.replaceChildren(el('div', { className: 'meta', text: 'That record has left the buffer.' }));
    return;
  }
  const zone = init?.timeZone ?? 'local';
  const parts: HTMLElement[] = [];
  const meta = `${record.topic} · partition ${record.partition} · offset ${record.offset} · ${formatTime(record.timestamp, zone)} · ${formatBytes(record.valueBytes)}`;
  const actions = el('div', { className: 'actions', role: 'toolbar', label: 'Record' });
  actions.append(
    iconButton('copy-value', 'copy', 'Copy value', () => selected && post({ type: 'copy', seq: selected.seq })),
    iconButton('open-editor', 'go-to-file', 'Open the value in an editor', () => selected && post({ type: 'openInEditor', seq: selected.seq })),
    iconButton('produce-similar', 'send', 'Produce similar…', () => selected && post({ type: 'produceSimilar', seq: selected.seq })),
    iconButton('save-kafka', 'file-code', 'Save as .kafka producer…', () => selected && post({ type: 'saveAsKafka', seq: selected.seq })),
  );
  if (init?.groupId && !stopped) {
    actions.append(
      iconButton('commit-selected', 'check', 'Commit through this record', () => selected && post({ type: 'commit', upTo: { partition: selected.partition, offset: selected.offset } })),
    );
  }
  parts.push(actions, el('div', { id: 'detail-meta', className: 'meta', text: meta }));
  if (record.partial) parts.push(el('div', { id: 'detail-partial', className: 'warning', text: record.partial }));
  parts.push(...textBlock(`Key${record.key ? ` (${formatName(record.key.format)})` : ''}`, record.key?.text ?? '(null)', 'detail-key', record.key?.format));
  if (record.key?.error) parts.push(el('div', { className: 'error', text: record.key.error }));
  parts.push(...textBlock(`Value${record.value ? ` (${formatName(record.value.format)})` : ''}`, record.value?.text ?? '(null)', 'detail-value', record.value?.format));
  if (record.value?.error) parts.push(el('div', { className: 'error', id: 'detail-value-error', text: record.value.error }));
  parts.push(el('h4', { text: `Headers (${record.headers.length})` }));
  const table = el('table', { id: 'detail-headers' });
  for (const h of record.headers) {
    const tr = el('tr');
    const valueCell = el('td');
    if (h.binary) valueCell.append(el('span', { className: 'tag', text: 'binary, hex', title: h.value?.error ?? 'Not UTF-8: shown as hex' }), document.createTextNode(' '));
    valueCell.append(document.createTextNode(h.value === null ? '(null)' : visible(h.value.text).text));
    tr.append(el('td', { text: visible(h.key).text }), valueCell);
    table.append(tr);
  }
  parts.push(table);
  details.replaceChildren(...parts);
  if (detailsFocus) {
    detailsFocus = false;
    details.focus();
  }
}

let noticeTimer: number | undefined;

const STATE_ICONS: Record<string, string> = {
  starting: 'loading codicon-modifier-spin',
  live: 'circle-filled',
  paused: 'debug-pause',
  rebalancing: 'sync codicon-modifier-spin',
  reconnecting: 'sync codicon-modifier-spin',
  stopped: 'debug-stop',
};

onHostMessage<ViewerMessage>((m) => {
  switch (m.type) {
    case 'init':
      init = m.init;
      document.title = m.init.title;
      grid.zone = m.init.timeZone;
      timeline.zone = m.init.timeZone;
      // Opened once the zone is known (the first count is asked for then).
      if (ui.open?.timeline && !timeline.isOpen) showTimeline(true);
      grid.render();
      summary.textContent = `${m.init.connectionName} · ${m.init.summary}`;
      sourceToggle.title = `Source: ${m.init.summary}`;
      commitButton.hidden = !m.init.groupId;
      fillSource(m.init.source, m.init.formats);
      // After a restart the new tail has no search yet: the one in the boxes applies again.
      lastFilter = '';
      if (Object.values(filterValues()).some((v) => v)) sendFilter();
      setLayout();
      overflow.fit(); // the commit button may have appeared
      break;
    case 'view':
      grid.onView(m);
      break;
    case 'stats': {
      stateText.textContent = m.state;
      stateBadge.dataset.state = m.state;
      stateIcon.className = `codicon codicon-${STATE_ICONS[m.state] ?? 'circle-filled'}`;
      rate.textContent = `${m.recordsPerSecond.toLocaleString('en-US')}/s`;
      timeline.noteReceived(m.received);
      counts.textContent = `${m.received.toLocaleString('en-US')} received · ${grid.rowCount.toLocaleString('en-US')} shown · ${m.buffered.toLocaleString('en-US')} buffered`;
      evicted.hidden = m.evicted === 0;
      evicted.textContent = `${m.evicted.toLocaleString('en-US')} left`;
      evicted.title = `${m.evicted.toLocaleString('en-US')} older records left the buffer (it keeps the newest ${init?.capacity.toLocaleString('en-US') ?? ''}).`;
      outage.dataset.state = m.state;
      outage.textContent =
        m.state === 'reconnecting'
          ? `Cluster unreachable, reconnecting… ${m.message ?? ''}`
          : m.state === 'rebalancing' || (m.state === 'stopped' && m.message)
            ? (m.message ?? '')
            : '';
      stopped = m.state === 'stopped';
      paused = m.state === 'paused';
      setIcon(pauseButton, paused ? 'debug-continue' : 'debug-pause', paused ? 'Resume' : 'Pause');
      pauseButton.disabled = stopped;
      stopButton.disabled = stopped;
      commitButton.disabled = stopped;
      grid.setEmptyText(stopped ? 'No records.' : m.received === 0 ? 'Waiting for records…' : 'No record matches the search and filters.');
      break;
    }
    case 'partitions':
      showPartitions(m.partitions, m.committedAt);
      break;
    case 'details':
      showDetails(m.record);
      break;
    case 'reveal':
      grid.revealRow(m.index);
      grid.viewport.focus({ preventScroll: true });
      break;
    case 'search':
      search.classList.toggle('invalid', Boolean(m.error));
      searchInput.title = m.error ?? (m.matches !== undefined ? `${m.matches.toLocaleString('en-US')} of ${m.scanned?.toLocaleString('en-US')} records match (${m.elapsedMs} ms). ${SEARCH_HELP}` : SEARCH_HELP);
      searchInput.setAttribute('aria-invalid', String(Boolean(m.error)));
      if (m.error) {
        notice.textContent = m.error;
        notice.title = m.error;
        notice.dataset.kind = 'error';
      } else if (notice.dataset.kind === 'error') notice.textContent = '';
      break;
    case 'timeline':
      if (m.timeline) timeline.show(m.timeline);
      else timeline.showError(m.error ?? 'The timeline could not be counted.');
      break;
    case 'notice':
      // Information fades after a while; an error stays until the next notice.
      window.clearTimeout(noticeTimer);
      if (m.kind === 'info') noticeTimer = window.setTimeout(() => (notice.textContent = ''), 8000);
      notice.textContent = m.text;
      notice.title = m.text;
      notice.dataset.kind = m.kind;
      break;
  }
});

void styles.then(() => post({ type: 'ready' }));
