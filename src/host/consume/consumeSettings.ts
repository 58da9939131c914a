import * as vscode from 'vscode';
import { settings } from '../settings';

const config = () => vscode.workspace.getConfiguration(settings.section);

/** The consume viewer's settings; defaults live in package.json. */
export const consumeSettings = {
  maxRecords: (): number => Math.max(100, config().get<number>('consume.maxRecords') ?? 100_000),
  /** The viewer buffer's byte budget (kafkaWorkbench.consume.bufferMegabytes), in bytes. */
  bufferBytes: (): number => Math.min(4096, Math.max(8, config().get<number>('consume.bufferMegabytes') ?? 32)) * 1024 * 1024,
  autoCommitIntervalMs: (): number => Math.max(0.1, config().get<number>('consume.autoCommitIntervalSeconds') ?? 5) * 1000,
  /** Records per partition a one-click viewer starts with before going live. */
  newestPerPartition: (): number => Math.max(1, Math.floor(config().get<number>('consume.newestPerPartition') ?? 100)),
  timeZone: (): 'local' | 'utc' => (config().get<string>('consume.timeZone') === 'utc' ? 'utc' : 'local'),
  detailsPosition: (): 'right' | 'below' | 'auto' => {
    const v = config().get<string>('consume.detailsPosition');
    return v === 'right' || v === 'below' ? v : 'auto';
  },
};
