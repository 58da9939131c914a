/**
 * The viewer's source bar (start, partitions, group, isolation, formats) and the consume request it
 * stands for, both ways: the bar shows the request a viewer runs, and a change in the bar becomes the
 * request the tail restarts with.
 */
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { watermarks, type StartPosition } from '../../core/kafka/offsets';
import type { KafkaClient } from '../../core/kafka/client';
import type { SourceValues } from '../../../webview/src/consume/protocol';
import type { ConsumeRequest } from './consumeViewer';

function invalid(message: string): KafkaWorkbenchError {
  return new KafkaWorkbenchError(message, 'invalid-input');
}

/** Parses "2024-05-01T12:00:00Z" or milliseconds since 1970. */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  return Number.isFinite(ms) ? ms : undefined;
}

/** One offset for every partition ("120"), or partition:offset pairs ("0:120, 1:87"). */
export function parseOffsets(text: string, partitions: number[]): string | Record<number, string> {
  const t = text.trim();
  if (/^\d+$/.test(t)) return t;
  if (/^-\d+$/.test(t)) throw invalid('Offsets cannot be negative: use Earliest or Latest instead of -2/-1.');
  const out: Record<number, string> = {};
  for (const part of t.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+):(\d+)$/.exec(part);
    if (!m) throw invalid(`"${part}" is not an offset or a partition:offset pair (e.g. 120, or 0:120, 1:87).`);
    out[Number(m[1])] = m[2];
  }
  for (const p of partitions) if (out[p] === undefined) throw invalid(`No offset for partition ${p}: give one offset for all, or one per partition.`);
  return out;
}

export function parsePartitions(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || (parts.length === 1 && parts[0].toLowerCase() === 'all')) return undefined;
  return parts.map((p) => {
    if (!/^\d+$/.test(p)) throw invalid(`"${p}" is not a partition number: list numbers separated by commas, or leave it empty for all.`);
    return Number(p);
  });
}

/** What the source bar shows for a request. */
export function sourceOf(r: ConsumeRequest): SourceValues {
  const start = r.newest !== undefined ? 'newest' : r.start.kind;
  const startValue =
    r.newest !== undefined
      ? String(r.newest)
      : r.start.kind === 'offset'
        ? typeof r.start.offset === 'string'
          ? r.start.offset
          : Object.entries(r.start.offset)
              .map(([p, o]) => `${p}:${o}`)
              .join(', ')
        : r.start.kind === 'timestamp'
          ? new Date(r.start.timestamp).toISOString()
          : '';
  return {
    start,
    startValue,
    partitions: r.partitions?.join(', ') ?? '',
    group: r.group?.groupId ?? '',
    commit: r.group?.commit ?? 'manual',
    isolation: r.isolation,
    keyFormat: r.keyFormat,
    valueFormat: r.valueFormat,
  };
}

/** The request a changed source bar stands for; throws a message saying what to fix. */
export function requestFromSource(s: SourceValues, base: ConsumeRequest, allPartitions: number[], autoCommitIntervalMs: number): ConsumeRequest {
  const partitions = parsePartitions(s.partitions);
  let start: StartPosition;
  let newest: number | undefined;
  switch (s.start) {
    case 'newest': {
      const n = Number(s.startValue.trim() || '100');
      if (!Number.isInteger(n) || n < 1) throw invalid(`"${s.startValue}" is not a record count: enter how many of the newest records per partition to show (1 or more).`);
      newest = n;
      start = { kind: 'latest' };
      break;
    }
    case 'offset':
      start = { kind: 'offset', offset: parseOffsets(s.startValue, partitions ?? allPartitions) };
      break;
    case 'timestamp': {
      const timestamp = parseTime(s.startValue);
      if (timestamp === undefined) throw invalid(`"${s.startValue}" is not a date and time: use e.g. 2024-05-01T12:00:00Z or milliseconds since 1970.`);
      start = { kind: 'timestamp', timestamp };
      break;
    }
    default:
      start = { kind: s.start };
  }
  const groupId = s.group.trim();
  if (s.start === 'committed' && !groupId) throw invalid("Starting at the group's committed offset needs a group: enter a group id.");
  return {
    ...base,
    start,
    newest,
    partitions,
    group: groupId ? { groupId, commit: s.commit, autoCommitIntervalMs } : undefined,
    isolation: s.isolation,
    keyFormat: s.keyFormat,
    valueFormat: s.valueFormat,
    // Deserializers are bound to formats: the new ones are made from the new names.
    keyDeserializer: undefined,
    valueDeserializer: undefined,
    keyDescription: undefined,
    valueDescription: undefined,
    avro: s.valueFormat === base.valueFormat ? base.avro : undefined,
    keyAvro: s.keyFormat === base.keyFormat ? base.keyAvro : undefined,
  };
}

/**
 * "The newest N per partition": each chosen partition starts N records before its end (or at its
 * earliest kept offset), so the viewer shows them at once and then goes live.
 */
export async function resolveNewest(client: KafkaClient, r: ConsumeRequest): Promise<ConsumeRequest> {
  if (r.newest === undefined) return r;
  const marks = await watermarks(client, r.topic);
  const chosen = r.partitions?.length ? r.partitions : marks.map((m) => m.partition);
  const offsets: Record<number, string> = {};
  for (const p of chosen) {
    const m = marks.find((w) => w.partition === p);
    if (!m) throw invalid(`Topic "${r.topic}" has no partition ${p}: it has ${marks.length} (0–${marks.length - 1}).`);
    const from = BigInt(m.high) - BigInt(r.newest);
    offsets[p] = (from > BigInt(m.low) ? from : BigInt(m.low)).toString();
  }
  return { ...r, start: { kind: 'offset', offset: offsets } };
}
