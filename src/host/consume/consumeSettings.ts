import * as vscode from 'vscode';
import { settings } from '../settings';

/** The consume viewer's settings; defaults live in package.json. */
export const consumeSettings = {
  maxRecords: (): number => Math.max(100, vscode.workspace.getConfiguration(settings.section).get<number>('consume.maxRecords') ?? 100_000),
  autoCommitIntervalMs: (): number =>
    Math.max(0.1, vscode.workspace.getConfiguration(settings.section).get<number>('consume.autoCommitIntervalSeconds') ?? 5) * 1000,
};
