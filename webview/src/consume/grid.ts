// The records grid: virtualized against the host (it knows how many rows match and holds only the
// page around the viewport), so only the rows in view exist in the DOM; rows out of view are
// removed, never merely hidden. ARIA grid roles, keyboard selection, resizable and sortable columns.
import { el } from './dom';
import { formatBytes, formatTime, visible, BIDI_WARNING } from './format';
import type { Row, SortColumn, ViewerMessage } from './protocol';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;

interface Column {
  id: SortColumn;
  label: string;
  /** Width in px; the value column takes what is left unless resized. */
  width: number;
  num?: boolean;
}

const COLUMNS: Column[] = [
  { id: 'partition', label: 'Partition', width: 72, num: true },
  { id: 'offset', label: 'Offset', width: 72, num: true },
  { id: 'timestamp', label: 'Timestamp', width: 0 },
  { id: 'key', label: 'Key', width: 130 },
  { id: 'value', label: 'Value', width: 0 },
  { id: 'headers', label: 'Headers', width: 70, num: true },
  { id: 'size', label: 'Size', width: 64, num: true },
];
const VALUE_MIN = 160;
/** Columns hidden, in this order, when the grid is too narrow for all of them (the least needed first). */
const DROPPABLE: SortColumn[] = ['headers', 'size'];
/** Narrowest a shrunk key, timestamp and value get before the grid may scroll sideways after all. */
const SHRINK_MIN: Partial<Record<SortColumn, number>> = { key: 60, timestamp: 110, value: 80 };

/** The width a whole timestamp with its zone takes in the rows' font (the font is the user's). */
function timestampWidth(sample: HTMLElement): number {
  const probe = el('span', { className: 'cell', text: '2026-12-01 23:28:38.789 +00:00' });
  probe.style.cssText =
    'position:absolute;visibility:hidden;padding:0 6px;white-space:nowrap;font-family:var(--vscode-editor-font-family);font-size:var(--vscode-editor-font-size, 13px);';
  sample.append(probe);
  const w = Math.ceil(probe.getBoundingClientRect().width) + 4;
  probe.remove();
  return w > 40 ? w : 240;
}

export interface GridEvents {
  window(from: number, size: number, follow: boolean): void;
  /** A row was chosen (click, Enter, or arrow keys): show its details. */
  open(seq: number, focusDetails: boolean): void;
  sort(sort: { column: SortColumn; descending: boolean } | null): void;
  displayed(upToSeq: number): void;
  /** Rows arrived below while the user is scrolled up (0: none pending). */
  pending(count: number): void;
}

export interface GridState {
  widths?: Record<string, number>;
}

export class RecordGrid {
  readonly root = el('div', { className: 'grid', role: 'grid', label: 'Records' });
  private readonly head = el('div', { className: 'grid-head', role: 'row' });
  /** Clips the header, which scrolls sideways with the rows. */
  private readonly headWrap = el('div', { className: 'grid-head-wrap', role: 'rowgroup' });
  readonly viewport = el('div', { className: 'viewport', id: 'viewport' });
  private readonly spacer = el('div', { className: 'spacer', role: 'rowgroup' });
  private readonly empty = el('div', { className: 'empty', id: 'empty', text: 'Waiting for records…' });
  private readonly pool: HTMLElement[] = [];
  private count = 0;
  private page: Row[] = [];
  private pageFrom = 0;
  private follow = true;
  private sorted: { column: SortColumn; descending: boolean } | null = null;
  private selectedIndex = -1;
  private selectedSeq: number | undefined;
  private pendingNew = 0;
  private lastWindow = '';
  /** A selection moved onto a row not loaded yet: open it when it arrives. */
  private openPending = false;
  private widths: Record<string, number>;
  zone: 'local' | 'utc' = 'local';

  constructor(
    private readonly events: GridEvents,
    state: GridState,
    private readonly saveState: (s: GridState) => void,
  ) {
    this.widths = { ...state.widths };
    this.root.setAttribute('aria-colcount', String(COLUMNS.length));
    this.root.setAttribute('aria-multiselectable', 'false');
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('aria-label', 'Records: arrow keys move the selection, Enter shows the record');
    for (const c of COLUMNS) this.head.append(this.headerCell(c));
    this.viewport.append(this.spacer, this.empty);
    this.headWrap.append(this.head);
    this.root.append(this.headWrap, this.viewport);
    this.applyWidths();
    this.viewport.addEventListener('scroll', () => {
      // The header scrolls sideways with the rows when the columns are wider than the grid.
      this.headWrap.scrollLeft = this.viewport.scrollLeft;
      this.onScroll();
    });
    this.viewport.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => {
      // The rows' vertical scroll bar takes width the header must leave too, or the columns drift apart.
      this.syncHeader();
      this.applyWidths();
      if (this.follow) this.scrollToEnd();
      this.render();
      this.requestWindow();
    }).observe(this.viewport);
  }

  private headerCell(c: Column): HTMLElement {
    const cell = el('div', { className: `cell h-${c.id}${c.num ? ' num' : ''}`, role: 'columnheader', title: `Sort by ${c.label.toLowerCase()}` });
    cell.setAttribute('aria-sort', 'none');
    const label = el('span', { text: c.label });
    const arrow = el('span', { className: 'codicon sort-arrow' });
    arrow.setAttribute('aria-hidden', 'true');
    cell.append(label, arrow);
    cell.tabIndex = -1;
    cell.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).classList.contains('resizer')) return;
      // Ascending, descending, then back to arrival order (following the tail).
      const next =
        this.sorted?.column !== c.id ? { column: c.id, descending: false } : !this.sorted.descending ? { column: c.id, descending: true } : null;
      this.setSort(next);
      this.events.sort(next);
    });
    if (c.id !== 'value') {
      const resizer = el('div', { className: 'resizer', title: `Resize the ${c.label.toLowerCase()} column` });
      resizer.setAttribute('aria-hidden', 'true');
      resizer.addEventListener('pointerdown', (e) => this.startResize(e, c, cell, resizer));
      cell.append(resizer);
    }
    return cell;
  }

  private startResize(e: PointerEvent, c: Column, cell: HTMLElement, resizer: HTMLElement): void {
    e.preventDefault();
    e.stopPropagation();
    const startX = e.clientX;
    const startWidth = cell.getBoundingClientRect().width;
    resizer.classList.add('dragging');
    resizer.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) => {
      this.widths[c.id] = Math.max(36, Math.round(startWidth + m.clientX - startX));
      this.applyWidths();
    };
    const up = () => {
      resizer.classList.remove('dragging');
      resizer.removeEventListener('pointermove', move);
      resizer.removeEventListener('pointerup', up);
      this.saveState({ widths: this.widths });
    };
    resizer.addEventListener('pointermove', move);
    resizer.addEventListener('pointerup', up);
  }

  /**
   * Column widths for the grid's width: in a narrow editor the grid does not scroll sideways; the
   * header and size columns hide first, then the key, value and timestamp shrink (cut with an
   * ellipsis; the details show them whole); in a very narrow one (under ~400 px) the timestamp
   * hides too and the key and value take its room. Only below ~300 px does it scroll after all.
   */
  private applyWidths(): void {
    if (!this.widths.timestamp && this.spacer.isConnected) this.measuredTimestamp ??= timestampWidth(this.spacer);
    const base = new Map<SortColumn, number>(COLUMNS.map((c) => [c.id, c.id === 'value' ? VALUE_MIN : (this.widths[c.id] ?? (c.id === 'timestamp' ? (this.measuredTimestamp ?? 240) : c.width))]));
    const available = this.viewport.clientWidth;
    const fit = (drop: SortColumn[]): Map<SortColumn, number> => {
      const widths = new Map(base);
      const total = () => [...widths.values()].reduce((a, b) => a + b, 0);
      if (available <= 0) return widths;
      for (const id of drop) if (total() > available) widths.delete(id);
      for (const id of ['key', 'value', 'timestamp'] as SortColumn[]) {
        const over = total() - available;
        if (over > 0 && widths.has(id)) widths.set(id, Math.max(SHRINK_MIN[id]!, widths.get(id)! - over));
      }
      return widths;
    };
    let widths = fit(DROPPABLE);
    const sum = (w: Map<SortColumn, number>) => [...w.values()].reduce((a, b) => a + b, 0);
    if (available > 0 && sum(widths) > available) widths = fit([...DROPPABLE, 'timestamp']);
    for (const c of COLUMNS) this.root.classList.toggle(`hide-${c.id}`, !widths.has(c.id));
    const cols = COLUMNS.filter((c) => widths.has(c.id)).map((c) => (c.id === 'value' ? `minmax(${widths.get(c.id)}px, 1fr)` : `${widths.get(c.id)}px`));
    this.root.style.setProperty('--columns', cols.join(' '));
    this.root.style.setProperty('--min-width', `${sum(widths)}px`);
  }

  private measuredTimestamp: number | undefined;

  /** Once the grid is in the document, the timestamp column is fitted to the font. */
  attached(): void {
    this.applyWidths();
  }

  private syncHeader(): void {
    this.headWrap.style.paddingRight = `${this.viewport.offsetWidth - this.viewport.clientWidth}px`;
  }

  setSort(sort: { column: SortColumn; descending: boolean } | null): void {
    this.sorted = sort;
    COLUMNS.forEach((c, i) => {
      const cell = this.head.children[i] as HTMLElement;
      const on = sort?.column === c.id;
      cell.setAttribute('aria-sort', on ? (sort!.descending ? 'descending' : 'ascending') : 'none');
      cell.querySelector('.sort-arrow')!.className = `codicon sort-arrow${on ? (sort!.descending ? ' codicon-arrow-down' : ' codicon-arrow-up') : ''}`;
    });
  }

  /** The host's update: the count of matching rows and the page in view. */
  onView(m: Extract<ViewerMessage, { type: 'view' }>): void {
    if (m.reset) {
      this.lastWindow = '';
      this.selectedIndex = -1;
      this.setPending(0);
      if (!m.sorted) {
        this.follow = true;
        if (this.sorted) this.setSort(null);
      } else this.follow = false;
    }
    const grew = m.count - this.count + m.dropped;
    if (!m.reset && !this.follow && !m.sorted && grew > 0) this.setPending(this.pendingNew + grew);
    if (m.dropped > 0 && this.selectedIndex >= 0) this.selectedIndex = Math.max(-1, this.selectedIndex - m.dropped);
    this.count = m.count;
    this.page = m.rows;
    this.pageFrom = m.from;
    this.root.setAttribute('aria-rowcount', String(m.count + 1));
    this.spacer.style.height = `${this.count * ROW_HEIGHT}px`;
    if (this.follow) this.scrollToEnd();
    else if (m.dropped > 0) this.viewport.scrollTop = Math.max(0, this.viewport.scrollTop - m.dropped * ROW_HEIGHT);
    this.empty.hidden = this.count > 0;
    this.syncHeader();
    this.render();
    this.requestWindow();
    this.applyReveal();
    if (this.openPending && this.selectedSeq !== undefined && this.selectedIndex >= 0) {
      this.openPending = false;
      this.events.open(this.selectedSeq, false);
    }
    if (m.upToSeq >= 0) this.events.displayed(m.upToSeq);
  }

  /** Rows that match the search and filters (in the buffer). */
  get rowCount(): number {
    return this.count;
  }

  setEmptyText(text: string): void {
    this.empty.textContent = text;
  }

  private setPending(n: number): void {
    this.pendingNew = n;
    this.events.pending(n);
  }

  /** Scrolls to the newest row and follows the tail from then on. */
  scrollToEnd(): void {
    this.follow = true;
    this.setPending(0);
    this.viewport.scrollTop = Math.max(0, this.count * ROW_HEIGHT - this.viewport.clientHeight);
  }

  private onScroll(): void {
    if (!this.sorted) {
      // At the bottom the table follows the tail; anywhere else it stays on the rows in view.
      this.follow = this.viewport.scrollTop + this.viewport.clientHeight >= this.viewport.scrollHeight - ROW_HEIGHT;
      if (this.follow) this.setPending(0);
    }
    this.render();
    this.requestWindow();
  }

  private range(): { first: number; last: number } {
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.count, Math.ceil((this.viewport.scrollTop + this.viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    return { first, last };
  }

  private requestWindow(): void {
    const { first, last } = this.range();
    const size = Math.max(last - first, Math.ceil(this.viewport.clientHeight / ROW_HEIGHT) + OVERSCAN * 2, 20);
    const key = `${this.follow ? 'f' : first}:${size}`;
    if (key === this.lastWindow) return;
    this.lastWindow = key;
    this.events.window(first, size, this.follow);
  }

  private rowElement(i: number): HTMLElement {
    let e = this.pool[i];
    if (!e) {
      e = el('div', { className: 'row', role: 'row' });
      e.id = `row-${i}`;
      for (const c of COLUMNS) e.append(el('div', { className: `cell c-${c.id}${c.num ? ' num' : ''}`, role: 'gridcell' }));
      e.addEventListener('click', () => {
        if (!e.dataset.index) return;
        this.select(Number(e.dataset.index), false);
        this.viewport.focus({ preventScroll: true });
      });
      this.pool[i] = e;
    }
    return e;
  }

  /** Draws the rows in view; every other pooled row leaves the DOM. */
  render(): void {
    const { first, last } = this.range();
    let used = 0;
    let active: string | undefined;
    for (let i = first; i < last; i++) {
      const r = this.page[i - this.pageFrom];
      if (!r) continue; // not loaded yet: the host sends it after the window message
      const e = this.rowElement(used++);
      if (e.parentElement !== this.spacer) this.spacer.append(e);
      e.style.top = `${i * ROW_HEIGHT}px`;
      e.dataset.index = String(i);
      e.dataset.seq = String(r.seq);
      e.setAttribute('aria-rowindex', String(i + 2));
      if (i === this.selectedIndex) this.selectedSeq = r.seq;
      const selected = i === this.selectedIndex;
      e.classList.toggle('selected', selected);
      e.setAttribute('aria-selected', String(selected));
      if (selected) active = e.id;
      this.fill(e, r);
    }
    for (let i = used; i < this.pool.length; i++) {
      this.pool[i].remove();
      delete this.pool[i].dataset.index;
    }
    if (active) this.viewport.setAttribute('aria-activedescendant', active);
    else this.viewport.removeAttribute('aria-activedescendant');
  }

  private fill(e: HTMLElement, r: Row): void {
    const cells = e.children as HTMLCollectionOf<HTMLElement>;
    cells[0].textContent = String(r.partition);
    cells[1].textContent = r.offset;
    cells[2].textContent = formatTime(r.timestamp, this.zone);
    cells[2].title = new Date(r.timestamp).toISOString();
    const key = this.text(cells[3], r.keyPreview);
    const value = this.text(cells[4], r.valuePreview);
    const bidi = key || value;
    e.classList.toggle('bidi', bidi);
    e.classList.toggle('undecodable', Boolean(r.decodeError));
    cells[4].title = r.decodeError ?? (bidi ? BIDI_WARNING : '');
    cells[5].textContent = String(r.headerCount);
    cells[6].textContent = formatBytes(r.valueBytes);
  }

  /** Sets a cell's text (bidi controls made visible); returns true when there were some. */
  private text(cell: HTMLElement, text: string | null): boolean {
    if (text === null) {
      cell.textContent = 'null';
      cell.classList.add('null');
      return false;
    }
    cell.classList.remove('null');
    const shown = visible(text);
    cell.textContent = shown.text;
    return shown.bidi;
  }

  private revealing?: { index: number; until: number };

  /**
   * Selects row `index` for the host (a topic-search match opened in the grid) and stops following
   * the tail. The host restarts the tail before it asks, and the restart's first update (a reset,
   * which selects nothing and follows the end) may arrive after this message: so the reveal is
   * applied again to the updates of the next few seconds.
   */
  revealRow(index: number): void {
    this.revealing = { index, until: Date.now() + 3000 };
    this.applyReveal();
  }

  private applyReveal(): void {
    if (!this.revealing) return;
    if (Date.now() > this.revealing.until) {
      this.revealing = undefined;
      return;
    }
    if (this.count <= this.revealing.index || (this.selectedIndex === this.revealing.index && !this.follow)) return;
    this.follow = false;
    this.setPending(0);
    this.select(this.revealing.index, false);
  }

  /** Moves the selection to row `index`, scrolls it into view and opens it. */
  select(index: number, focusDetails: boolean): void {
    if (this.count === 0) return;
    this.selectedIndex = Math.max(0, Math.min(this.count - 1, index));
    const top = this.selectedIndex * ROW_HEIGHT;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > this.viewport.scrollTop + this.viewport.clientHeight) this.viewport.scrollTop = top + ROW_HEIGHT - this.viewport.clientHeight;
    this.selectedSeq = undefined;
    this.render();
    this.requestWindow();
    this.openPending = this.selectedSeq === undefined;
    if (this.selectedSeq !== undefined) this.events.open(this.selectedSeq, focusDetails);
  }

  get selection(): number | undefined {
    return this.selectedIndex >= 0 ? this.selectedSeq : undefined;
  }

  private onKey(e: KeyboardEvent): void {
    const pageRows = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const at = this.selectedIndex < 0 ? (this.follow ? this.count : Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - 1) : this.selectedIndex;
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + pageRows, PageUp: at - pageRows, Home: 0, End: this.count - 1 };
    if (e.key in moves) {
      e.preventDefault();
      this.select(moves[e.key], false);
    } else if (e.key === 'Enter' && this.selectedSeq !== undefined && this.selectedIndex >= 0) {
      e.preventDefault();
      this.events.open(this.selectedSeq, true);
    }
  }
}
