// The timeline strip: a histogram of the topic's records per time bucket (counted by the host from
// offsets-for-times, see src/core/kafka/timeline.ts), drawn with uPlot. Dragging across it (a
// brush) either restarts the tail from the start of the range or searches the topic in the range.
// Colours come from the theme's --vscode-* variables, read when the chart is built and again when
// the theme changes, so the chart never carries colours of its own.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el, iconButton, select } from './dom';
import { formatTime } from './format';
import type { TimelineBrushUse, TimelineView } from './protocol';

export interface TimelineHandlers {
  /** Asks the host for the counts, in about this many buckets. */
  request(buckets: number): void;
  brush(from: number, to: number, use: TimelineBrushUse): void;
  /** The strip was closed from inside it (its close button or Escape). */
  closed(): void;
}

const HEIGHT = 96;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return `${+(ms / 86_400_000).toFixed(1)} days`;
}

const n = (x: number) => x.toLocaleString('en-US');

/** An axis tick in 24-hour time, as precise as the visible span needs (formatTime's fields, cut). */
function tick(ms: number, spanMs: number, zone: 'local' | 'utc'): string {
  const t = formatTime(ms, zone); // "2024-01-01 12:00:00.000 UTC"
  if (spanMs <= 2 * 60_000) return t.slice(11, 19);
  if (spanMs <= 86_400_000) return t.slice(11, 16);
  return `${t.slice(5, 10)} ${t.slice(11, 16)}`;
}

/** How often an open strip counts again while records arrive. */
const AUTO_RECOUNT_MS = 10_000;

export class TimelineStrip {
  readonly root = el('div', { id: 'timeline', className: 'timeline', role: 'region', label: 'Timeline: records per time bucket' });
  private readonly summary = el('span', { id: 'timeline-summary', className: 'text muted grow', role: 'status' });
  private readonly mode = select('timeline-brush', 'What dragging across the timeline does', [
    { value: 'start', label: 'Drag restarts the tail' },
    { value: 'search', label: 'Drag searches the topic' },
  ]);
  private readonly chartBox = el('div', { id: 'timeline-chart', className: 'timeline-chart', role: 'application' });
  private readonly tip = el('div', { id: 'timeline-tip', className: 'timeline-tip', role: 'tooltip' });
  private chart: uPlot | undefined;
  private data: TimelineView | undefined;
  /** The bucket the keyboard is on (arrow keys), or -1. */
  private current = -1;
  /** Records the tail had received at the last count, when that count was asked, and whether it is awaited. */
  private receivedAtCount = -1;
  private countedAt = 0;
  private counting = false;
  /** A mouse button is down on the chart (a drag under way): no recount redraws it meanwhile. */
  private pressed = false;
  private readonly resize = new ResizeObserver(() => this.fit());
  private readonly themeWatch = new MutationObserver(() => this.data && this.draw());

  constructor(
    private readonly handlers: TimelineHandlers,
    public zone: 'local' | 'utc',
  ) {
    const head = el('div', { className: 'timeline-head' });
    head.append(
      el('span', { className: 'codicon codicon-graph', title: 'Timeline' }),
      this.summary,
      this.mode,
      iconButton('timeline-refresh', 'refresh', 'Count again (the topic as it is now)', () => this.refresh()),
      iconButton('timeline-close', 'close', 'Close the timeline (Escape)', () => this.handlers.closed()),
    );
    this.chartBox.tabIndex = 0;
    this.chartBox.setAttribute(
      'aria-label',
      'Records per time bucket. Drag across it with the mouse to pick a range; or Left and Right arrows move between buckets, Enter uses the bucket, Escape closes the timeline.',
    );
    this.tip.hidden = true;
    this.chartBox.append(this.tip);
    this.root.append(head, this.chartBox);
    this.root.addEventListener('keydown', (e) => this.onKey(e));
    this.chartBox.addEventListener('mouseleave', () => (this.tip.hidden = true));
    this.chartBox.addEventListener('pointerdown', () => (this.pressed = true));
    window.addEventListener('pointerup', () => (this.pressed = false));
    this.themeWatch.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  get isOpen(): boolean {
    return !this.root.hidden;
  }

  open(): void {
    this.root.hidden = false;
    this.resize.observe(this.chartBox);
    // The topic moves on while the strip is closed: counted again on every opening.
    this.refresh();
  }

  close(): void {
    this.root.hidden = true;
    this.resize.disconnect();
  }

  focus(): void {
    this.chartBox.focus();
  }

  /**
   * The tail's received count, on every stats update: while the strip is open and records arrived
   * since the last count, it counts again every {@link AUTO_RECOUNT_MS}, quietly, unless the user
   * is on the chart (keyboard focus in the strip, or a drag under way).
   */
  noteReceived(received: number): void {
    if (!this.isOpen || this.counting) return;
    if (this.receivedAtCount < 0) this.receivedAtCount = received;
    if (received === this.receivedAtCount || Date.now() - this.countedAt < AUTO_RECOUNT_MS) return;
    // The user is on the strip only while this document has the focus (its activeElement stays
    // where it was when the focus goes to an editor beside).
    if (this.pressed || (document.hasFocus() && this.root.contains(document.activeElement))) return;
    this.receivedAtCount = received;
    this.refresh(true);
  }

  refresh(quiet = false): void {
    this.counting = true;
    this.countedAt = Date.now();
    if (quiet) {
      this.handlers.request(this.bucketCount());
      return;
    }
    this.receivedAtCount = -1;
    this.summary.textContent = 'Counting records per time bucket…';
    // About one bucket per 8 px, so bars stay visible; the host caps it.
    this.handlers.request(this.bucketCount());
  }

  private bucketCount(): number {
    return Math.max(10, Math.min(200, Math.floor((this.chartBox.clientWidth || 600) / 8)));
  }

  showError(message: string): void {
    this.counting = false;
    this.summary.textContent = message;
    this.summary.dataset.kind = 'error';
  }

  show(view: TimelineView): void {
    this.counting = false;
    this.data = view;
    this.current = -1;
    delete this.summary.dataset.kind;
    const outside = view.before + view.after;
    this.summary.textContent =
      view.total === 0 && outside === 0
        ? 'No records in the topic.'
        : `${n(view.total)} records · ${formatTime(view.from, this.zone)} – ${formatTime(view.to, this.zone)} · buckets of ${formatDuration(view.bucketMs)}` +
          (view.partitions.length ? ` · partitions ${view.partitions.join(', ')}` : '');
    this.summary.title = this.summary.textContent;
    this.draw();
  }

  /** (Re)builds the chart with the theme's colours as they are now. */
  private draw(): void {
    const view = this.data;
    if (!view) return;
    this.chart?.destroy();
    const fg = cssVar('--vscode-descriptionForeground', cssVar('--vscode-foreground', 'gray'));
    const bar = cssVar('--vscode-charts-blue', cssVar('--vscode-focusBorder', 'steelblue'));
    const grid = cssVar('--vscode-editorGroup-border', cssVar('--vscode-panel-border', 'transparent'));
    const font = `${cssVar('--vscode-font-size', '12px')} ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const utc = this.zone === 'utc';
    const axis = { stroke: fg, font, ticks: { stroke: grid, size: 4 }, grid: { stroke: grid, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(100, this.chartBox.clientWidth),
      height: HEIGHT,
      ms: 1,
      ...(utc ? { tzDate: (ts: number) => uPlot.tzDate(new Date(ts), 'Etc/UTC') } : {}),
      legend: { show: false },
      padding: [6, 28, 0, 0],
      // The x range is exactly the timeline's, so a pixel maps to a time linearly.
      scales: { x: { time: true, range: () => [view.from, view.to] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { ...axis, size: 24, space: 90, values: (_u, vals) => vals.map((v) => tick(v, view.to - view.from, this.zone)) },
        { ...axis, size: 44, space: 24, values: (_u, vals) => vals.map((v) => (Number.isInteger(v) ? n(v) : '')) },
      ],
      series: [
        {},
        {
          label: 'records',
          fill: bar,
          stroke: bar,
          width: 0,
          paths: uPlot.paths.bars!({ align: 1, size: [1, Infinity], gap: 1 }),
          points: { show: false },
        },
      ],
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false }, y: false },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      hooks: {
        setCursor: [(u) => this.onCursor(u.cursor.idx ?? null, u.cursor.left ?? -1)],
        setSelect: [(u) => this.onSelect(u)],
      },
    };
    this.chart = new uPlot(opts, [view.buckets.map((b) => b.start), view.buckets.map((b) => b.count)], this.chartBox);
    const canvas = this.chart.root.querySelector('canvas');
    canvas?.setAttribute('aria-hidden', 'true');
    this.chartBox.dataset.from = String(view.from);
    this.chartBox.dataset.to = String(view.to);
  }

  private fit(): void {
    if (!this.chart || this.root.hidden) return;
    const width = Math.max(100, this.chartBox.clientWidth);
    if (Math.abs(width - this.chart.width) > 1) this.chart.setSize({ width, height: HEIGHT });
  }

  private bucketAt(idx: number | null): TimelineView['buckets'][number] | undefined {
    return idx === null || idx < 0 ? undefined : this.data?.buckets[idx];
  }

  /** The bucket under the mouse (uPlot's nearest x index): its time range and count in a tooltip. */
  private onCursor(idx: number | null, left: number): void {
    const bucket = this.bucketAt(idx);
    if (!bucket || left < 0) {
      if (this.current < 0) this.tip.hidden = true;
      return;
    }
    this.showTip(bucket, left);
  }

  private showTip(bucket: TimelineView['buckets'][number], left: number): void {
    this.tip.textContent = `${formatTime(bucket.start, this.zone)} – ${formatTime(bucket.end, this.zone)}: ${n(bucket.count)} record${bucket.count === 1 ? '' : 's'}`;
    this.tip.hidden = false;
    const over = this.chart?.over;
    const offset = over ? over.offsetLeft : 0;
    const max = this.chartBox.clientWidth - this.tip.offsetWidth - 4;
    this.tip.style.left = `${Math.max(0, Math.min(max, offset + left + 8))}px`;
  }

  private onSelect(u: uPlot): void {
    const view = this.data;
    if (!view || u.select.width < 2) return;
    const a = u.posToVal(u.select.left, 'x');
    const b = u.posToVal(u.select.left + u.select.width, 'x');
    this.use(Math.max(view.from, Math.min(a, b)), Math.min(view.to, Math.max(a, b)));
  }

  /** A range picked: widened to whole buckets (what the bars count), then handed to the host. */
  private use(a: number, b: number): void {
    const view = this.data;
    if (!view) return;
    const first = view.buckets.findIndex((x) => x.end > a);
    let last = view.buckets.findIndex((x) => x.end >= b);
    if (first < 0) return;
    if (last < first) last = view.buckets.length - 1;
    const from = view.buckets[first].start;
    const to = view.buckets[last].end;
    const count = view.buckets.slice(first, last + 1).reduce((s, x) => s + x.count, 0);
    const use = this.mode.value as TimelineBrushUse;
    this.summary.textContent = `${formatTime(from, this.zone)} – ${formatTime(to, this.zone)}: ${n(count)} records · ${use === 'start' ? 'restarting the tail there' : 'searching the topic there'}`;
    this.handlers.brush(from, to, use);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.handlers.closed();
      return;
    }
    if (e.target !== this.chartBox || !this.data || !this.chart) return;
    const last = this.data.buckets.length - 1;
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity };
    if (e.key in moves) {
      e.preventDefault();
      const step = moves[e.key];
      // Home and End jump; the first arrow lands on the first (→) or last (←) bucket.
      const from = this.current < 0 ? (step > 0 ? -1 : last + 1) : this.current;
      this.current = Math.max(0, Math.min(last, from + step));
      const bucket = this.data.buckets[this.current];
      const left = this.chart.valToPos((bucket.start + bucket.end) / 2, 'x');
      this.chart.setCursor({ left, top: HEIGHT / 3 }, false);
      this.showTip(bucket, left);
    } else if (e.key === 'Enter' && this.current >= 0) {
      e.preventDefault();
      const bucket = this.data.buckets[this.current];
      this.use(bucket.start, bucket.end);
    }
  }

  dispose(): void {
    this.resize.disconnect();
    this.themeWatch.disconnect();
    this.chart?.destroy();
  }
}
