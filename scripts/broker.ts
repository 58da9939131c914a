// A local Apache Kafka broker for development and tests (a real one: jars from Maven Central, run with java).
//
//   npm run broker -- start  [--dir DIR] [--port N] [--sasl] [--tls] [--repo URL] [--jars DIR] [--heap MB] [--foreground]
//   npm run broker -- start --brokers 3 [--dir DIR] [--heap MB] [--foreground]
//   npm run broker -- stop   [--dir DIR]
//   npm run broker -- status [--dir DIR]
//
// Defaults: --dir .cache/broker (.cache/cluster with --brokers 2 or more; stop and status find a
// cluster there too), --jars .cache/kafka-3.9.1, --repo https://repo1.maven.org/maven2.
// `start` leaves the broker running in the background (stop it with `stop`); with --foreground it
// stays attached and stops the broker on Ctrl-C.
import * as path from 'node:path';
import { DEFAULT_MAVEN_REPOSITORY, ensureKafkaJars, KAFKA_VERSION } from '../src/core/broker/kafkaJars';
import { findRunningBroker, startLocalBroker, stopBrokerInDir } from '../src/core/broker/localBroker';
import { findRunningCluster, readClusterInfo, residentMemoryMb, startLocalCluster, stopClusterInDir } from '../src/core/broker/localCluster';

interface Args {
  command: string;
  dir: string;
  jars: string;
  repo: string;
  port: number;
  heap?: number;
  brokers: number;
  dirGiven: boolean;
  sasl: boolean;
  tls: boolean;
  foreground: boolean;
}

const USAGE = `usage: npm run broker -- fetch|start|stop|status [--dir DIR] [--brokers N] [--port N] [--sasl] [--tls] [--repo URL] [--jars DIR] [--heap MB] [--foreground]`;

function parseArgs(argv: string[]): Args {
  const args: Args = {
    command: '',
    dir: path.resolve('.cache/broker'),
    jars: path.resolve(`.cache/kafka-${KAFKA_VERSION}`),
    repo: DEFAULT_MAVEN_REPOSITORY,
    port: 0,
    brokers: 1,
    dirGiven: false,
    sasl: false,
    tls: false,
    foreground: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    const number = (): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a} needs a whole number, not "${v}"`);
      return n;
    };
    if (a === '--dir') {
      args.dir = path.resolve(value());
      args.dirGiven = true;
    } else if (a === '--brokers') args.brokers = number();
    else if (a === '--jars') args.jars = path.resolve(value());
    else if (a === '--repo') args.repo = value();
    else if (a === '--port') args.port = number();
    else if (a === '--heap') args.heap = number();
    else if (a === '--sasl') args.sasl = true;
    else if (a === '--tls') args.tls = true;
    else if (a === '--foreground') args.foreground = true;
    else if (a === '-h' || a === '--help') args.command = 'help';
    else if (!a.startsWith('-') && !args.command) args.command = a;
    else throw new Error(`Unknown argument ${a}\n${USAGE}`);
  }
  if (args.brokers < 1) throw new Error('--brokers needs 1 or more');
  if (args.brokers > 1) {
    if (args.sasl || args.tls || args.port) throw new Error('--sasl, --tls and --port are for a single broker; a cluster has PLAINTEXT listeners on free ports');
    if (!args.dirGiven) args.dir = path.resolve('.cache/cluster');
  }
  return args;
}

/** Makes sure every pinned jar is in the jars folder (downloading and verifying the missing ones). */
async function fetchJars(args: Args): Promise<string[]> {
  const t0 = Date.now();
  const classpath = await ensureKafkaJars({
    repositoryUrl: args.repo,
    targetDir: args.jars,
    onProgress: (done, total, artifact) => {
      if (process.stderr.isTTY) process.stderr.write(`\rfetching jars ${done}/${total} ${artifact}`.padEnd(100).slice(0, 100));
      else if (done === 1 || done === total) console.error(`fetching jars ${done}/${total} (${artifact})`);
    },
  });
  if (Date.now() - t0 > 1000) process.stderr.write(`${process.stderr.isTTY ? '\n' : ''}jars ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  return classpath;
}

async function startCluster(args: Args): Promise<void> {
  const classpath = await fetchJars(args);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('Interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = Date.now();
  const cluster = await startLocalCluster({
    dataDir: args.dir,
    classpath,
    nodes: args.brokers,
    heapMb: args.heap,
    log: (line) => console.error(line),
    signal: controller.signal,
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  console.log(`Kafka ${KAFKA_VERSION} cluster of ${cluster.nodes.length} nodes running (cluster ${cluster.clusterId}), all ready in ${seconds} s`);
  let total = 0;
  for (const n of cluster.nodes) {
    const rss = await residentMemoryMb(n.pid);
    total += rss ?? 0;
    console.log(`  node ${n.nodeId}  ${n.bootstrap}  controller :${n.ports.controller}  pid ${n.pid}  RSS ${rss ?? '?'} MiB (heap max ${cluster.heapMb} MiB)`);
  }
  console.log(`  bootstrap      ${cluster.bootstrap}`);
  console.log(`  memory         ${total} MiB resident in all (measured right after start)`);
  console.log(`  details        ${args.dir}/cluster.json`);
  if (!args.foreground) {
    console.log(`Stop it with: npm run broker -- stop --dir ${path.relative(process.cwd(), args.dir) || '.'}`);
    return;
  }
  console.log('Press Ctrl-C to stop the cluster.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  console.log('\nStopping the cluster...');
  await cluster.stop();
  console.log('Stopped.');
}

async function start(args: Args): Promise<void> {
  if (args.brokers > 1) return startCluster(args);
  const classpath = await fetchJars(args);

  const controller = new AbortController();
  const onSignal = (): void => controller.abort(new Error('Interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const broker = await startLocalBroker({
    dataDir: args.dir,
    classpath,
    plaintextPort: args.port,
    sasl: args.sasl,
    tls: args.tls,
    heapMb: args.heap,
    log: (line) => console.error(line),
    signal: controller.signal,
  });
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);

  console.log(`Kafka ${KAFKA_VERSION} broker running (pid ${broker.pid}, cluster ${broker.clusterId})`);
  console.log(`  PLAINTEXT      ${broker.bootstrap}`);
  if (broker.sasl) {
    const u = broker.sasl.users;
    console.log(`  SASL_PLAINTEXT ${broker.sasl.bootstrap}  PLAIN ${u.plain.username}/${u.plain.password}, ` +
      `SCRAM-SHA-256 ${u.scram256.username}/${u.scram256.password}, SCRAM-SHA-512 ${u.scram512.username}/${u.scram512.password}`);
  }
  if (broker.tls) {
    console.log(`  SSL            ${broker.tls.bootstrap}  CA ${broker.tls.caFile}`);
    console.log(`                 client cert ${broker.tls.clientCertFile}, key ${broker.tls.clientKeyFile}`);
  }
  console.log(`  details        ${broker.files.info}`);
  console.log(`  broker log     ${broker.files.log}`);

  if (!args.foreground) {
    console.log(`Stop it with: npm run broker -- stop --dir ${path.relative(process.cwd(), args.dir) || '.'}`);
    return;
  }
  console.log('Press Ctrl-C to stop the broker.');
  // Signal handlers do not keep Node alive: the timer does, and it notices a broker that died.
  const exitedByItself = await new Promise<boolean>((resolve) => {
    const timer = setInterval(() => {
      if (!isAlive(broker.pid)) {
        clearInterval(timer);
        resolve(true);
      }
    }, 2000);
    const onSignal = (): void => {
      clearInterval(timer);
      resolve(false);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  if (exitedByItself) {
    throw new Error(`The broker (pid ${broker.pid}) exited by itself; see ${broker.files.log}`);
  }
  console.log('\nStopping the broker...');
  await broker.stop();
  console.log('Stopped.');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  switch (args.command) {
    case 'fetch':
      console.log(`${(await fetchJars(args)).length} Kafka ${KAFKA_VERSION} jars in ${args.jars}`);
      return 0;
    case 'start':
      await start(args);
      return 0;
    case 'stop': {
      // Without --dir, a cluster in .cache/cluster is stopped too (and reported), so one command stops everything.
      if (!args.dirGiven && args.brokers === 1 && (await readClusterInfo(path.resolve('.cache/cluster')))) {
        const n = await stopClusterInDir(path.resolve('.cache/cluster'));
        if (n) console.log(`Stopped ${n} node(s) of the cluster in .cache/cluster`);
      }
      if (await readClusterInfo(args.dir)) {
        const n = await stopClusterInDir(args.dir);
        console.log(n ? `Stopped ${n} node(s) of the cluster in ${args.dir}` : `No node of the cluster in ${args.dir} was running`);
        return 0;
      }
      const stopped = await stopBrokerInDir(args.dir);
      console.log(stopped ? `Stopped the broker in ${args.dir}` : `No broker was running in ${args.dir}`);
      return 0;
    }
    case 'status': {
      if (await readClusterInfo(args.dir)) {
        const cluster = await findRunningCluster(args.dir);
        if (!cluster) {
          console.log(`No node of the cluster in ${args.dir} is running`);
          return 1;
        }
        for (const n of cluster.nodes) {
          const up = cluster.running.includes(n.nodeId);
          console.log(`node ${n.nodeId}  ${n.bootstrap}  ${up ? `running, pid ${n.pid}, RSS ${(await residentMemoryMb(n.pid)) ?? '?'} MiB` : 'stopped'}`);
        }
        return 0;
      }
      const info = await findRunningBroker(args.dir);
      if (!info) {
        console.log(`No broker is running in ${args.dir}`);
        return 1;
      }
      console.log(JSON.stringify(info, null, 2));
      return 0;
    }
    case 'help':
      console.log(USAGE);
      return 0;
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
