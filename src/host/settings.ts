import * as vscode from 'vscode';

/** Settings read through typed accessors; their defaults live in package.json. */
const SECTION = 'kafkaWorkbench';

function read<T>(key: string): T {
  return vscode.workspace.getConfiguration(SECTION).get<T>(key) as T;
}

export const settings = {
  section: SECTION,
  connectionTimeoutMs: (): number => Math.max(1, read<number>('connectionTimeoutSeconds')) * 1000,
  localBrokerRepository: (): string => read<string>('localBroker.mavenRepository'),
  localBrokerPort: (): number => read<number>('localBroker.port'),
  javaHome: (): string => read<string>('localBroker.javaHome'),
  showInternalTopics: (): boolean => read<boolean>('explorer.showInternalTopics'),
  autoRefreshSeconds: (): number => Math.max(0, read<number>('explorer.autoRefreshSeconds') ?? 0),
  fakerLocale: (): string => read<string>('kafkaFile.fakerLocale') ?? 'en',
};
