// How record text and times are shown: whole timestamps with their zone, bidirectional control
// characters made visible (a U+202E in a value would otherwise display the text reversed).
import { prettyJson } from './prettyJson';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** "2026-12-01 23:09:39.123 +01:00" (local) or "2026-12-01 22:09:39.123 UTC". */
export function formatTime(ms: number, zone: 'local' | 'utc'): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  if (zone === 'utc') return `${d.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Bidirectional controls (embeddings, overrides, isolates, marks). */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

export interface Shown {
  text: string;
  /** True when bidirectional control characters were replaced by ⟨U+XXXX⟩. */
  bidi: boolean;
}

/** The text with each bidirectional control shown as ⟨U+202E⟩, so what is displayed is what is stored. */
export function visible(text: string): Shown {
  BIDI.lastIndex = 0;
  if (!BIDI.test(text)) return { text, bidi: false };
  return { text: text.replace(BIDI, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}⟩`), bidi: true };
}

export const BIDI_WARNING = 'Contains bidirectional control characters, shown as ⟨U+…⟩: displayed as is, the text could read differently from what is stored.';

/** JSON re-indented without touching its numbers; other text as it is. */
export function prettyIfJson(text: string): { text: string; json: boolean } {
  const t = text.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return { text, json: false };
  try {
    JSON.parse(text);
    return { text: prettyJson(text), json: true };
  } catch {
    return { text, json: false };
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
