// `npm run sandbox [-- --brokers 3]`: a local Kafka broker (or a three-node cluster) with demo
// topics, and VS Code in the browser (code-server) with this extension installed and a connection
// to it saved. Ctrl-C stops everything.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAVEN_REPOSITORY, KAFKA_VERSION, ensureKafkaJars } from '../src/core/broker/kafkaJars';
import { findFreePort, isPortFree, startLocalBroker, stopBrokerInDir } from '../src/core/broker/localBroker';
import { startLocalCluster, stopClusterInDir } from '../src/core/broker/localCluster';
import { repoRoot, startCodeServer, type CodeServer } from '../test/runner/codeServer';
import { DEMO_TOPICS, createDemoData } from './demoData';

const CONNECTION_NAME = 'Sandbox broker';

function since(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** `--brokers N` (1 or 3; 1 by default). */
function brokersArg(): number {
  const i = process.argv.indexOf('--brokers');
  if (i < 0) return 1;
  const n = Number(process.argv[i + 1]);
  if (n !== 1 && n !== 3) throw new Error(`--brokers takes 1 or 3, not "${process.argv[i + 1] ?? ''}"`);
  return n;
}

interface SandboxBroker {
  bootstrap: string;
  describe: string;
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  const nodes = brokersArg();
  const cache = join(repoRoot, '.cache');
  const brokerDir = join(cache, 'sandbox', 'broker');
  const workspace = join(cache, 'sandbox', 'workspace');
  mkdirSync(join(workspace, 'schemas'), { recursive: true });
  // The seed's schema-evolution pair, to try "Produce with this Schema…" and reader schemas.
  for (const file of ['contact-v1-fax.avsc', 'contact-v2-email.avsc']) {
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'avro', file), join(workspace, 'schemas', file));
  }
  // A .kafka file with producers and consumers to run from its CodeLenses.
  copyFileSync(join(repoRoot, 'scripts', 'samples', 'demo.kafka'), join(workspace, 'demo.kafka'));

  let started = Date.now();
  const classpath = await ensureKafkaJars({
    repositoryUrl: process.env.KAFKA_MAVEN_REPOSITORY ?? DEFAULT_MAVEN_REPOSITORY,
    targetDir: join(cache, `kafka-${KAFKA_VERSION}`),
    onProgress: (done, total) => {
      if (process.stdout.isTTY) process.stdout.write(`\rDownloading Kafka jars ${done}/${total}`);
    },
  });
  console.log(`${process.stdout.isTTY ? '\r' : ''}Kafka jars ready (${classpath.length}) in ${since(started)}`);

  const clusterDir = join(cache, 'sandbox', 'cluster');
  await stopBrokerInDir(brokerDir); // a broker left over from a killed sandbox
  await stopClusterInDir(clusterDir);
  started = Date.now();
  let broker: SandboxBroker;
  if (nodes === 1) {
    const brokerPort = Number(process.env.SANDBOX_BROKER_PORT ?? ((await isPortFree(9092)) ? 9092 : await findFreePort()));
    const single = await startLocalBroker({ dataDir: brokerDir, classpath, plaintextPort: brokerPort, log: (l) => console.log(`[broker] ${l}`) });
    broker = { bootstrap: single.bootstrap, describe: `broker at ${single.bootstrap} (pid ${single.pid})`, stop: single.stop };
  } else {
    const cluster = await startLocalCluster({ dataDir: clusterDir, classpath, nodes, log: (l) => console.log(`[cluster] ${l}`) });
    broker = { bootstrap: cluster.bootstrap, describe: `cluster of ${nodes} brokers at ${cluster.bootstrap} (pids ${cluster.nodes.map((n) => n.pid).join(', ')})`, stop: cluster.stop };
  }
  console.log(`Kafka ${KAFKA_VERSION} ${broker.describe}, started in ${since(started)}`);

  let codeServer: CodeServer | undefined;
  let stopping: Promise<void> | undefined;
  /** Stops code-server and the broker once, whoever asks first (Ctrl-C, or code-server exiting). */
  const stop = (code: number): Promise<void> => {
    stopping ??= (async () => {
      console.log('\nStopping code-server and the broker…');
      await codeServer?.stop().catch(() => undefined);
      await broker.stop().catch(() => undefined);
      console.log('Stopped.');
      process.exit(code);
    })();
    return stopping;
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    await createDemoData(broker.bootstrap);
    console.log(`Demo topics: ${DEMO_TOPICS.map((t) => `${t.name} (${t.partitions} partitions)`).join(', ')}`);

    execFileSync('bash', [join(repoRoot, 'scripts', 'install-code-server.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
    started = Date.now();
    // A fresh password per run: the workbench gives a shell, so nobody else on this machine (or a web
    // page rebinding a host name to 127.0.0.1) may open it.
    const password = process.env.SANDBOX_PASSWORD || randomBytes(18).toString('base64url');
    const port = Number(process.env.SANDBOX_PORT ?? ((await isPortFree(8080)) ? 8080 : await findFreePort()));
    codeServer = await startCodeServer({
      workspaceFolder: workspace,
      port,
      dataDir: join(cache, 'sandbox', 'code-server'),
      extensionDevelopmentPath: repoRoot,
      password,
      userSettings: { 'kafkaWorkbench.connections': [{ name: CONNECTION_NAME, bootstrapServers: broker.bootstrap.split(',') }] },
    });
    console.log(`code-server (VS Code ${'1.100'}) ready in ${since(started)}`);
    console.log(`\n  Open ${codeServer.url}?folder=${encodeURIComponent(workspace)}`);
    console.log(`  Password: ${password}   (SANDBOX_PASSWORD sets your own)\n`);
    console.log(`  The Kafka view (activity bar) has the connection "${CONNECTION_NAME}" to ${broker.bootstrap}.`);
    console.log('  schemas/*.avsc in the workspace are Avro schemas to produce and consume with.');
    console.log('  demo.kafka holds producers and consumers to run from its CodeLenses.');
    console.log('  Press Ctrl-C to stop the broker and code-server.\n');
    await codeServer.exited;
    if (!stopping) console.log('code-server exited by itself.');
    await stop(stopping ? 0 : 1);
  } catch (e) {
    console.error(`sandbox failed: ${(e as Error).message}`);
    await stop(1);
  }
}

void main();
