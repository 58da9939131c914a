import * as path from 'node:path';
import * as vscode from 'vscode';
import { MIN_JAVA_MAJOR, ensureKafkaJars, findJava } from '../../core/broker/kafkaJars';
import { findRunningBroker, startLocalBroker, stopBrokerInDir, type RunningBroker } from '../../core/broker/localBroker';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { settings } from '../settings';

export const LOCAL_CONNECTION_NAME = 'Local broker';

/**
 * "Kafka: Start/Stop Local Broker": a single-node KRaft broker run with the user's Java, from jars
 * downloaded once into the extension's global storage and checked against pinned checksums.
 */
export function registerLocalBrokerCommands(context: vscode.ExtensionContext, manager: ConnectionManager): vscode.Disposable[] {
  const storage = context.globalStorageUri.fsPath;
  const jarsDir = path.join(storage, 'kafka-jars');
  const dataDir = path.join(storage, 'local-broker');
  let running: RunningBroker | undefined;

  const saveConnection = async (bootstrap: string): Promise<void> => {
    await manager.save(
      {
        name: LOCAL_CONNECTION_NAME,
        bootstrapServers: [bootstrap],
        clientId: 'kafka-workbench',
        sasl: { mechanism: 'none' },
        tls: { enabled: false, verifyHostname: true },
      },
      {},
    );
  };

  const start = async (): Promise<{ bootstrap: string; reused: boolean } | undefined> => {
    const existing = await findRunningBroker(dataDir, (problem) => log().warn(`local broker: ${problem}`));
    if (existing) {
      await saveConnection(existing.bootstrap);
      void vscode.window.showInformationMessage(`The local Kafka broker is already running at ${existing.bootstrap}.`);
      return { bootstrap: existing.bootstrap, reused: true };
    }
    const java = await findJava(settings.javaHome() || undefined);
    if (!java || java.majorVersion < MIN_JAVA_MAJOR) {
      const found = java ? `Java ${java.majorVersion} was found at ${java.path}, but ` : 'No Java was found; ';
      const choice = await vscode.window.showErrorMessage(
        `${found}the local Kafka broker needs Java ${MIN_JAVA_MAJOR} or newer. Install a JDK or JRE ${MIN_JAVA_MAJOR}+ ` +
          '(for example Eclipse Temurin, or "apt-get install openjdk-17-jre-headless") and put it on PATH, ' +
          'or point the setting kafkaWorkbench.localBroker.javaHome at it.',
        'Open Settings',
      );
      if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'kafkaWorkbench.localBroker');
      return undefined;
    }
    const broker = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Local Kafka broker', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          let reported = 0;
          const classpath = await ensureKafkaJars({
            repositoryUrl: settings.localBrokerRepository(),
            targetDir: jarsDir,
            signal: abort.signal,
            onProgress: (done, total, artifact) => {
              const percent = Math.floor((done / total) * 100);
              progress.report({ message: `downloading Kafka jars ${done}/${total} (${artifact})`, increment: percent - reported });
              reported = percent;
            },
          });
          progress.report({ message: 'starting the broker (this takes a few seconds)…' });
          return await startLocalBroker({
            dataDir,
            classpath,
            javaPath: java.path,
            plaintextPort: settings.localBrokerPort(),
            signal: abort.signal,
            log: (line: string) => log().debug(`[local broker] ${line}`),
          });
        } finally {
          cancel.dispose();
        }
      },
    );
    running = broker;
    log().info(`local broker started at ${broker.bootstrap} (pid ${broker.pid}, data in ${dataDir})`);
    await saveConnection(broker.bootstrap);
    await manager.connect(LOCAL_CONNECTION_NAME).catch((e: unknown) => log().warn(`connecting to the local broker failed: ${String(e)}`));
    void vscode.window.showInformationMessage(`Local Kafka broker running at ${broker.bootstrap}; connection "${LOCAL_CONNECTION_NAME}" added.`);
    return { bootstrap: broker.bootstrap, reused: false };
  };

  const stop = async (): Promise<boolean> => {
    if (manager.store.get(LOCAL_CONNECTION_NAME)) await manager.disconnect(LOCAL_CONNECTION_NAME);
    const stopped = running ? (await running.stop(), true) : await stopBrokerInDir(dataDir);
    running = undefined;
    if (!stopped) {
      throw new KafkaWorkbenchError('No local Kafka broker is running: start one with "Kafka: Start Local Broker".', 'invalid-input');
    }
    log().info('local broker stopped');
    void vscode.window.showInformationMessage('Local Kafka broker stopped.');
    return true;
  };

  return [
    registerCommand('kafkaWorkbench.startLocalBroker', 'Start Local Broker', start),
    registerCommand('kafkaWorkbench.stopLocalBroker', 'Stop Local Broker', stop),
    // A broker this window started does not outlive it.
    { dispose: () => void running?.stop() },
  ];
}
