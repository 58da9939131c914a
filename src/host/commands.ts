import * as vscode from 'vscode';
import { KafkaWorkbenchError } from '../core/kafka/errors';
import { log } from './log';

export const COMMAND_PREFIX = 'kafkaWorkbench.';

/** Shows an error as a notification that says what to do, with a button to open the log. */
export async function showError(error: unknown, action?: string): Promise<void> {
  const message = error instanceof KafkaWorkbenchError ? error.message : error instanceof Error ? error.message : String(error);
  const text = action ? `${action} failed: ${message}` : message;
  log().error(text + (error instanceof KafkaWorkbenchError && error.detail ? ` [${error.detail}]` : ''));
  const choice = await vscode.window.showErrorMessage(text, 'Open Log');
  if (choice === 'Open Log') log().show(true);
}

/**
 * Registers a command under the extension's prefix. A thrown error becomes a notification (and
 * the command resolves to undefined), so no command ever leaves an unhandled rejection behind.
 */
export function registerCommand<A extends unknown[], R>(
  id: string,
  title: string,
  handler: (...args: A) => Promise<R> | R,
): vscode.Disposable {
  if (!id.startsWith(COMMAND_PREFIX)) throw new Error(`command ${id} must start with ${COMMAND_PREFIX}`);
  return vscode.commands.registerCommand(id, async (...args: A): Promise<R | undefined> => {
    log().debug(`command ${id}`);
    try {
      return await handler(...args);
    } catch (e) {
      void showError(e, title);
      return undefined;
    }
  });
}
