// `npm run sandbox`: a local Kafka broker with demo topics, and VS Code in the browser (code-server)
// with this extension installed and a connection to that broker saved. Ctrl-C stops everything.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAVEN_REPOSITORY, KAFKA_VERSION, ensureKafkaJars } from '../src/core/broker/kafkaJars';
import { findFreePort, isPortFree, startLocalBroker, stopBrokerInDir } from '../src/core/broker/localBroker';
import { repoRoot, startCodeServer, type CodeServer } from '../test/runner/codeServer';
import { DEMO_TOPICS, createDemoData } from './demoData';

const CONNECTION_NAME = 'Sandbox broker';

function since(started: number): string {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
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

  await stopBrokerInDir(brokerDir); // a broker left over from a killed sandbox
  started = Date.now();
  const brokerPort = Number(process.env.SANDBOX_BROKER_PORT ?? ((await isPortFree(9092)) ? 9092 : await findFreePort()));
  const broker = await startLocalBroker({ dataDir: brokerDir, classpath, plaintextPort: brokerPort, log: (l) => console.log(`[broker] ${l}`) });
  console.log(`Kafka ${broker.kafkaVersion} broker at ${broker.bootstrap} (pid ${broker.pid}), started in ${since(started)}`);

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
    const port = Number(process.env.SANDBOX_PORT ?? ((await isPortFree(8080)) ? 8080 : await findFreePort()));
    codeServer = await startCodeServer({
      workspaceFolder: workspace,
      port,
      dataDir: join(cache, 'sandbox', 'code-server'),
      extensionDevelopmentPath: repoRoot,
      userSettings: { 'kafkaWorkbench.connections': [{ name: CONNECTION_NAME, bootstrapServers: [broker.bootstrap] }] },
    });
    console.log(`code-server (VS Code ${'1.100'}) ready in ${since(started)}`);
    console.log(`\n  Open ${codeServer.url}?folder=${encodeURIComponent(workspace)}\n`);
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
