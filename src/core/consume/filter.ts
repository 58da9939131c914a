import type { TailRecord } from './tailRecord';

/** What the viewer's filter bar sets; every field is optional and they combine with AND. */
export interface RecordFilter {
  partitions?: number[];
  /** Substring of the key (case-sensitive). */
  key?: string;
  /** Substring (or regular expression when `regex`) searched in the value and header values. */
  text?: string;
  regex?: boolean;
  /** Inclusive time range, milliseconds since the epoch. */
  fromTime?: number;
  toTime?: number;
}

export type RecordPredicate = (r: TailRecord) => boolean;

export function isEmptyFilter(f: RecordFilter): boolean {
  return !f.partitions?.length && !f.key && !f.text && f.fromTime === undefined && f.toTime === undefined;
}

/** Compiles a filter once; throws an Error naming the problem for an invalid regular expression. */
export function compileFilter(f: RecordFilter): RecordPredicate {
  if (isEmptyFilter(f)) return () => true;
  const partitions = f.partitions?.length ? new Set(f.partitions) : undefined;
  let text: ((s: string) => boolean) | undefined;
  if (f.text) {
    if (f.regex) {
      let re: RegExp;
      try {
        re = new RegExp(f.text);
      } catch (e) {
        throw new Error(`Invalid regular expression: ${(e as Error).message}`);
      }
      text = (s) => re.test(s);
    } else {
      const needle = f.text;
      text = (s) => s.includes(needle);
    }
  }
  return (r) => {
    if (partitions && !partitions.has(r.partition)) return false;
    if (f.key && !(r.key?.includes(f.key) ?? false)) return false;
    if (f.fromTime !== undefined && r.timestamp < f.fromTime) return false;
    if (f.toTime !== undefined && r.timestamp > f.toTime) return false;
    if (text && !((r.value !== null && text(r.value)) || r.headers.some((h) => h.value !== null && text(h.value)))) return false;
    return true;
  };
}
