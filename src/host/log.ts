import * as vscode from 'vscode';
import type { Logger } from '../core/kafka/client';

let channel: vscode.LogOutputChannel | undefined;

/** The extension's one log channel ("Kafka Workbench" in the Output view). */
export function log(): vscode.LogOutputChannel {
  channel ??= vscode.window.createOutputChannel('Kafka Workbench', { log: true });
  return channel;
}

/** Adapts the log channel to the core's Logger interface. */
export function coreLogger(): Logger {
  const out = log();
  return {
    debug: (m) => out.debug(m),
    info: (m) => out.info(m),
    warn: (m) => out.warn(m),
    error: (m) => out.error(m),
  };
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
}
