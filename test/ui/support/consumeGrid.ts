// The consume viewer's grid as the user sees it: the rows painted inside its scroll viewport.
import type { FrameLocator } from 'playwright-core';

export interface Painted {
  partition: string;
  offset: string;
  timestamp: string;
  key: string;
  value: string;
}

/** The rows actually painted inside the grid's scroll viewport (bounding boxes intersecting it), top to bottom. */
export async function paintedRows(frame: FrameLocator): Promise<Painted[]> {
  return frame.locator('#viewport').evaluate((viewport) => {
    const box = viewport.getBoundingClientRect();
    const win = viewport.ownerDocument.defaultView!;
    return [...viewport.querySelectorAll('[role="row"]')]
      .filter((r) => {
        const b = r.getBoundingClientRect();
        const style = win.getComputedStyle(r);
        return style.display !== 'none' && style.visibility !== 'hidden' && b.height > 0 && b.bottom > box.top + 1 && b.top < box.bottom - 1;
      })
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((r) => {
        const cell = (c: string) => r.querySelector(`.c-${c}`)!.textContent ?? '';
        return { partition: cell('partition'), offset: cell('offset'), timestamp: cell('timestamp'), key: cell('key'), value: cell('value') };
      });
  });
}

/** Waits until the painted rows satisfy `check` (the host batches updates every 100 ms). */
export async function waitForPainted(frame: FrameLocator, what: string, check: (rows: Painted[]) => boolean, timeoutMs = 20_000): Promise<Painted[]> {
  const deadline = Date.now() + timeoutMs;
  let rows: Painted[] = [];
  while (Date.now() < deadline) {
    rows = await paintedRows(frame);
    if (check(rows)) return rows;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what}: painted rows were ${JSON.stringify(rows.slice(0, 30))}`);
}

/**
 * Waits until the viewer's state badge says `state`; on time-out the error says what it said
 * instead (and the outage line), or that no viewer was there at all.
 */
export async function waitForViewerState(frame: FrameLocator, state: string | RegExp, timeoutMs = 20_000): Promise<void> {
  try {
    await frame.locator('#state', { hasText: state }).waitFor({ timeout: timeoutMs });
  } catch (e) {
    const now = await frame.locator('#state').innerText({ timeout: 1_000 }).catch(() => undefined);
    if (now === undefined) throw new Error(`no consume viewer showed within ${timeoutMs} ms (waiting for "${String(state)}")`);
    const outage = await frame.locator('#outage').innerText({ timeout: 1_000 }).catch(() => '');
    throw new Error(`the viewer did not say "${String(state)}" within ${timeoutMs} ms: it says "${now}"${outage ? ` (${outage})` : ''}`, { cause: e });
  }
}
