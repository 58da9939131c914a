import * as path from 'node:path';
import * as vscode from 'vscode';
import { MIN_JAVA_MAJOR, ensureKafkaJars, findJava } from '../../core/broker/kafkaJars';
import { findRunningBroker, startLocalBroker, stopBrokerInDir, type RunningBroker } from '../../core/broker/localBroker';
import { clearBrokerLeases, joinBroker, leaveBroker } from '../../core/broker/brokerLease';
import { findRunningCluster, startLocalCluster, stopClusterInDir, type RunningCluster } from '../../core/broker/localCluster';
import { KafkaWorkbenchError } from '../../core/kafka/errors';
import { registerCommand } from '../commands';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';
import { settings } from '../settings';

export const LOCAL_CONNECTION_NAME = 'Local broker';
export const LOCAL_CLUSTER_CONNECTION_NAME = 'Local cluster';
/** globalState key of the last choice between one node and three. */
const NODES_KEY = 'kafkaWorkbench.localBroker.nodes';
const CLUSTER_NODES = 3 as const;

/** What scripts and tests may pass to skip the question. */
interface StartArgs {
  brokers?: 1 | 3;
}

/**
 * "Kafka: Start/Stop Local Broker": a single-node KRaft broker run with the user's Java, from jars
 * downloaded once into the extension's global storage and checked against pinned checksums.
 */
export function registerLocalBrokerCommands(context: vscode.ExtensionContext, manager: ConnectionManager): vscode.Disposable[] {
  const storage = context.globalStorageUri.fsPath;
  const jarsDir = path.join(storage, 'kafka-jars');
  const dataDir = path.join(storage, 'local-broker');
  const clusterDir = path.join(storage, 'local-cluster');
  let running: RunningBroker | undefined;
  let runningCluster: RunningCluster | undefined;
  // The brokers this window uses (started or found running): it holds a lease on each until it closes.
  const joined = new Set<string>();
  const join = async (dir: string): Promise<void> => {
    await joinBroker(dir).catch((e: unknown) => log().warn(`local broker: could not record this window as a user: ${String(e)}`));
    joined.add(dir);
  };

  const saveConnection = async (bootstrap: string, name = LOCAL_CONNECTION_NAME): Promise<void> => {
    await manager.save(
      {
        name,
        bootstrapServers: bootstrap.split(','),
        clientId: 'kafka-workbench',
        sasl: { mechanism: 'none' },
        tls: { enabled: false, verifyHostname: true },
      },
      {},
    );
  };

  /** One node or three: asked (the last answer first) unless the caller says. */
  const chooseNodes = async (args: StartArgs | undefined): Promise<1 | 3 | undefined> => {
    if (args?.brokers === 1) return 1;
    if (args?.brokers === CLUSTER_NODES) return CLUSTER_NODES;
    const last = context.globalState.get<number>(NODES_KEY) === CLUSTER_NODES ? CLUSTER_NODES : 1;
    const items = [
      { label: 'One broker', description: 'a single KRaft node, about 300 MB', nodes: 1 as const },
      { label: 'Three brokers', description: 'a KRaft cluster with replication and failover, about 600 MB', nodes: CLUSTER_NODES },
    ].sort((a, b) => (a.nodes === last ? -1 : b.nodes === last ? 1 : 0));
    const pick = await vscode.window.showQuickPick(items, { title: 'Start a local Kafka broker', placeHolder: 'How many brokers?' });
    if (!pick) return undefined;
    await context.globalState.update(NODES_KEY, pick.nodes);
    return pick.nodes;
  };

  const startCluster = async (javaPath: string): Promise<{ bootstrap: string; reused: boolean; brokers: number }> => {
    const cluster = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Local Kafka cluster', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          const classpath = await ensureKafkaJars({
            repositoryUrl: settings.localBrokerRepository(),
            targetDir: jarsDir,
            signal: abort.signal,
            onProgress: (done, total, artifact) => progress.report({ message: `downloading Kafka jars ${done}/${total} (${artifact})` }),
          });
          progress.report({ message: `starting ${CLUSTER_NODES} brokers (this takes 20 s or more)…` });
          return await startLocalCluster({
            dataDir: clusterDir,
            classpath,
            javaPath,
            nodes: CLUSTER_NODES,
            signal: abort.signal,
            log: (line: string) => log().debug(`[local cluster] ${line}`),
          });
        } finally {
          cancel.dispose();
        }
      },
    );
    runningCluster = cluster;
    await join(clusterDir);
    log().info(`local cluster started at ${cluster.bootstrap} (pids ${cluster.nodes.map((n) => n.pid).join(', ')}, data in ${clusterDir})`);
    await saveConnection(cluster.bootstrap, LOCAL_CLUSTER_CONNECTION_NAME);
    await manager.connect(LOCAL_CLUSTER_CONNECTION_NAME).catch((e: unknown) => log().warn(`connecting to the local cluster failed: ${String(e)}`));
    void vscode.window.showInformationMessage(`Local Kafka cluster of ${CLUSTER_NODES} brokers running at ${cluster.bootstrap}; connection "${LOCAL_CLUSTER_CONNECTION_NAME}" added.`);
    return { bootstrap: cluster.bootstrap, reused: false, brokers: CLUSTER_NODES };
  };

  const start = async (args?: StartArgs): Promise<{ bootstrap: string; reused: boolean; brokers?: number } | undefined> => {
    const nodes = await chooseNodes(args);
    if (!nodes) return undefined;
    if (nodes === CLUSTER_NODES) {
      const existingCluster = await findRunningCluster(clusterDir);
      if (existingCluster && existingCluster.running.length === CLUSTER_NODES) {
        await saveConnection(existingCluster.bootstrap, LOCAL_CLUSTER_CONNECTION_NAME);
        await join(clusterDir);
        void vscode.window.showInformationMessage(`The local Kafka cluster is already running at ${existingCluster.bootstrap}.`);
        return { bootstrap: existingCluster.bootstrap, reused: true, brokers: CLUSTER_NODES };
      }
      // Some nodes left over (one was killed to try failover): stop them and start all three again.
      if (existingCluster) await stopClusterInDir(clusterDir);
    }
    const existing = nodes === 1 ? await findRunningBroker(dataDir, (problem) => log().warn(`local broker: ${problem}`)) : undefined;
    if (existing) {
      await saveConnection(existing.bootstrap);
      await join(dataDir);
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
    if (nodes === CLUSTER_NODES) return startCluster(java.path);
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
    await join(dataDir);
    log().info(`local broker started at ${broker.bootstrap} (pid ${broker.pid}, data in ${dataDir})`);
    await saveConnection(broker.bootstrap);
    await manager.connect(LOCAL_CONNECTION_NAME).catch((e: unknown) => log().warn(`connecting to the local broker failed: ${String(e)}`));
    void vscode.window.showInformationMessage(`Local Kafka broker running at ${broker.bootstrap}; connection "${LOCAL_CONNECTION_NAME}" added.`);
    return { bootstrap: broker.bootstrap, reused: false };
  };

  const stop = async (): Promise<boolean> => {
    if (manager.store.get(LOCAL_CONNECTION_NAME)) await manager.disconnect(LOCAL_CONNECTION_NAME);
    if (manager.store.get(LOCAL_CLUSTER_CONNECTION_NAME)) await manager.disconnect(LOCAL_CLUSTER_CONNECTION_NAME);
    const stopped = running ? (await running.stop(), true) : await stopBrokerInDir(dataDir);
    running = undefined;
    const clusterStopped = runningCluster ? (await runningCluster.stop(), 1) : await stopClusterInDir(clusterDir);
    runningCluster = undefined;
    // Stopped on purpose: every window's lease goes with it.
    joined.clear();
    await Promise.all([clearBrokerLeases(dataDir), clearBrokerLeases(clusterDir)]);
    if (!stopped && !clusterStopped) {
      throw new KafkaWorkbenchError('No local Kafka broker is running: start one with "Kafka: Start Local Broker".', 'invalid-input');
    }
    log().info('local broker stopped');
    void vscode.window.showInformationMessage('Local Kafka broker stopped.');
    return true;
  };

  leaving = undefined;
  leave = async () => {
    const stops: [string, () => Promise<unknown>][] = [
      [dataDir, () => (running ? running.stop() : stopBrokerInDir(dataDir))],
      [clusterDir, () => (runningCluster ? runningCluster.stop() : stopClusterInDir(clusterDir))],
    ];
    for (const [dir, stopIt] of stops) {
      if (!joined.delete(dir)) continue;
      if (await leaveBroker(dir)) {
        noteWhileClosing(`local broker in ${dir}: this was the last window using it; stopping it`);
        await stopIt();
      } else noteWhileClosing(`local broker in ${dir}: another window still uses it; left running`);
    }
    running = undefined;
    runningCluster = undefined;
  };

  return [
    registerCommand('kafkaWorkbench.startLocalBroker', 'Start Local Broker', start),
    registerCommand('kafkaWorkbench.stopLocalBroker', 'Stop Local Broker', stop),
    { dispose: () => void leaveLocalBrokers() },
  ];
}

/**
 * Logs from deactivate: once VS Code terminates the extension host, the log channel's appendLine
 * throws "Channel has been closed", and a throw here would skip stopping the broker (the last
 * window closed and the broker kept running, seen with two code-server windows).
 */
function noteWhileClosing(message: string): void {
  try {
    log().info(message);
  } catch {
    // The window is closing: nowhere to log to.
  }
}

let leaving: Promise<void> | undefined;
let leave: () => Promise<void> = async () => undefined;

/**
 * This window gives up its use of the local broker(s); the last window using one stops it, so a
 * broker does not outlive the windows using it, and is not stopped under another window's feet.
 * Awaited by deactivate (VS Code does not wait for disposables).
 */
export function leaveLocalBrokers(): Promise<void> {
  leaving ??= leave();
  return leaving;
}

