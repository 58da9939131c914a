// A real single-node Apache Kafka broker (KRaft: one JVM that is broker and controller), started
// from the jars kafkaJars.ts fetches. Layer-1 core: no `vscode`, no Kafka client library.
//
// Layout of a broker's data folder:
//   server.properties, log4j.properties, tools-log4j.properties   generated on every start
//   kraft-logs/            topic data and the metadata log (formatted once; kept across restarts)
//   logs/server.log        the broker's own log; logs/stdout.log the JVM's stdout/stderr
//   certs/                 CA, server and client certificates for the TLS listener (made once)
//   broker.pid, broker.json   the running broker's pid and everything a client needs to reach it
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readJsonFile, writeFileAtomic } from './atomicWrite';
import { findJava, JAVA_MISSING_MESSAGE, KAFKA_VERSION, MIN_JAVA_MAJOR } from './kafkaJars';

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The fixed users of the local test broker's SASL listener. They guard nothing: the broker only
 * listens on 127.0.0.1 and exists for trying things out and for tests.
 */
export const LOCAL_BROKER_USERS: { plain: Credentials; scram256: Credentials; scram512: Credentials } = {
  plain: { username: 'alice', password: 'alice-secret' },
  scram256: { username: 'bob', password: 'bob-secret' },
  scram512: { username: 'carol', password: 'carol-secret' },
};

export interface LocalBrokerOptions {
  /** Folder for configuration, data, logs, certificates, broker.pid and broker.json. */
  dataDir: string;
  /** Absolute jar paths, as returned by ensureKafkaJars. */
  classpath: string[];
  /** The java executable; found with findJava (JAVA_HOME, then PATH) when absent. */
  javaPath?: string;
  /** 0 or absent: reuse the port of the last run in this folder when free, else any free loopback port. */
  plaintextPort?: number;
  /** Add a SASL_PLAINTEXT listener with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512. */
  sasl?: boolean;
  /** Add an SSL listener (server certificate from a local CA; client certificates requested, not required). */
  tls?: boolean;
  /**
   * Extra listeners beside the built-in ones (e.g. a SASL_PLAINTEXT listener with OAUTHBEARER, or an
   * SSL listener that requires client certificates), each on a port the caller picked, with its own
   * `listener.name.<name>.*` lines. Additive hook for the connection tests; see test/support/oauthBroker.ts.
   */
  extraListeners?: ExtraListener[];
  /** JVM maximum heap in MiB (default 512). */
  heapMb?: number;
  /** How long to wait for "Kafka Server started" (default 90 s). */
  readyTimeoutMs?: number;
  /** Receives progress lines, and the broker's errors while it starts. */
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** One node of a multi-node cluster (see localCluster.ts); absent for a single-node broker. */
  clusterNode?: ClusterNodeSettings;
}

/**
 * What makes a broker one node of a static-quorum KRaft cluster: every node shares the cluster id
 * and the voters line, and has its own node id and ports (all chosen by localCluster.ts).
 */
export interface ClusterNodeSettings {
  nodeId: number;
  clusterId: string;
  /** `1@127.0.0.1:c1,2@127.0.0.1:c2,...`, the same on every node. */
  voters: string;
  controllerPort: number;
  /** How many nodes the cluster has: replicated internal topics and defaults follow from it. */
  nodeCount: number;
}

export interface ExtraListener {
  /** Listener name, upper case (e.g. OAUTH); its properties use the lower-case form. */
  name: string;
  securityProtocol: 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL';
  port: number;
  /** Lines appended to server.properties as they are (e.g. `listener.name.oauth.…=…`). */
  properties: string[];
}

/** What broker.json holds: everything needed to reach the broker. */
export interface BrokerInfo {
  clusterId: string;
  /** The node id (1 for a single-node broker). */
  nodeId?: number;
  pid: number;
  /** 127.0.0.1:port of the PLAINTEXT listener. */
  bootstrap: string;
  sasl?: {
    bootstrap: string;
    users: { plain: Credentials; scram256: Credentials; scram512: Credentials };
  };
  tls?: {
    bootstrap: string;
    /** PEM CA certificate that signed the broker's (and the client's) certificate. */
    caFile: string;
    /** PEM client certificate and key (unencrypted PKCS#8) for mutual TLS. */
    clientCertFile: string;
    clientKeyFile: string;
  };
  dataDir: string;
  kafkaVersion: string;
  ports: { plaintext: number; controller: number; sasl?: number; tls?: number };
  files: { config: string; log: string; stdout: string; pid: string; info: string };
  startedAt: string;
}

export interface RunningBroker extends BrokerInfo {
  /** SIGTERM, then SIGKILL after 30 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

const DEFAULT_HEAP_MB = 512;
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const READY_LINE = /Kafka Server started/;

const BROKER_JSON = 'broker.json';
const BROKER_PID = 'broker.pid';
/** A JVM system property that marks the process as the broker of one data folder. */
const DATA_DIR_MARKER = 'kafka.workbench.dataDir';

// ---------------------------------------------------------------------------------------------
// Ports

function listenOn(port: number, host = '127.0.0.1'): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A TCP port that is free on 127.0.0.1 right now. */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const server = await listenOn(0, host);
  const port = (server.address() as net.AddressInfo).port;
  await closeServer(server);
  return port;
}

/** Whether nothing listens on 127.0.0.1:port. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  try {
    await closeServer(await listenOn(port, host));
    return true;
  } catch {
    return false;
  }
}

/**
 * Picks `count` distinct free ports. `preferred[i]`, when given and free, is used for slot i; the
 * others get ports the OS hands out. All are held open until every one is chosen.
 */
async function pickPorts(preferred: (number | undefined)[]): Promise<number[]> {
  const held: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (const want of preferred) {
      let server: net.Server | undefined;
      if (want && !ports.includes(want)) server = await listenOn(want).catch(() => undefined);
      server ??= await listenOn(0);
      held.push(server);
      ports.push((server.address() as net.AddressInfo).port);
    }
  } finally {
    await Promise.all(held.map(closeServer));
  }
  return ports;
}

// ---------------------------------------------------------------------------------------------
// Processes

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function run(file: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 4 << 20 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

/** The command line of a process, or undefined when it cannot be read. */
async function commandLineOf(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s) => s.length > 0);
  } catch {
    // not Linux, or gone
  }
  try {
    if (process.platform === 'win32') {
      const out = await run('powershell.exe', [
        '-NoProfile',
        '-Command',
        `(Get-CimInstance Win32_Process -Filter "ProcessId=${pid}").CommandLine`,
      ]);
      return out.trim() ? [out.trim()] : undefined;
    }
    const out = await run('ps', ['-ww', '-p', String(pid), '-o', 'command=']);
    return out.trim() ? [out.trim()] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is a live `java ... kafka.Kafka` process (and, when it carries this module's
 * data-folder marker, whether that marker names `dataDir`).
 */
export async function isKafkaBrokerProcess(pid: number, dataDir?: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const argv = await commandLineOf(pid);
  if (!argv) return false;
  const joined = argv.join(' ');
  if (!/\bjava(\.exe|w\.exe)?\b/i.test(joined) || !argv.some((a) => a === 'kafka.Kafka' || / kafka\.Kafka /.test(` ${a} `))) {
    return false;
  }
  if (dataDir) {
    const marker = argv.map((a) => new RegExp(`-D${DATA_DIR_MARKER.replace(/\./g, '\\.')}=(.*)$`).exec(a)?.[1]).find(Boolean);
    if (marker !== undefined && path.resolve(marker) !== path.resolve(dataDir)) return false;
  }
  return true;
}

async function waitForExit(pid: number, timeoutMs: number, child?: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid)) return true;
    await delay(100);
  }
  return child ? child.exitCode !== null || child.signalCode !== null : !isAlive(pid);
}

/** SIGTERM, wait up to `timeoutMs`, then SIGKILL. */
async function terminate(pid: number, timeoutMs: number, child?: ChildProcess): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  if (await waitForExit(pid, timeoutMs, child)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(pid, 5_000, child);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// broker.json / broker.pid

/** Reads dataDir/broker.json, or undefined when there is none (whether or not the broker runs) or it is damaged. */
export async function readBrokerInfo(dataDir: string, onCorrupt?: (message: string) => void): Promise<BrokerInfo | undefined> {
  return readJsonFile<BrokerInfo>(path.join(dataDir, BROKER_JSON), onCorrupt);
}

/** broker.json of the broker running in dataDir, or undefined when none runs there. */
export async function findRunningBroker(dataDir: string, onCorrupt?: (message: string) => void): Promise<BrokerInfo | undefined> {
  const info = await readBrokerInfo(dataDir, onCorrupt);
  if (!info) return undefined;
  return (await isKafkaBrokerProcess(info.pid, dataDir)) ? info : undefined;
}

async function readPidFile(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await fsp.readFile(path.join(dataDir, BROKER_PID), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops the broker whose pid is in dataDir/broker.pid (or broker.json), after checking that the pid
 * really is a java kafka.Kafka process. Returns false when no broker was running there.
 */
export async function stopBrokerInDir(dataDir: string, timeoutMs = STOP_TIMEOUT_MS): Promise<boolean> {
  const pid = (await readPidFile(dataDir)) ?? (await readBrokerInfo(dataDir).catch(() => undefined))?.pid;
  if (pid === undefined || !(await isKafkaBrokerProcess(pid, dataDir))) {
    await fsp.rm(path.join(dataDir, BROKER_PID), { force: true });
    return false;
  }
  await terminate(pid, timeoutMs);
  await fsp.rm(path.join(dataDir, BROKER_PID), { force: true });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** Java .properties values: forward slashes (Java takes them on Windows too) and escaped specials. */
function propPath(p: string): string {
  return p.replace(/\\/g, '/');
}

function jaasEscape(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

interface Layout {
  dataDir: string;
  logDirs: string;
  logsDir: string;
  certsDir: string;
  config: string;
  log4j: string;
  toolsLog4j: string;
  serverLog: string;
  stdoutLog: string;
  pidFile: string;
  infoFile: string;
}

function layoutOf(dataDir: string): Layout {
  return {
    dataDir,
    logDirs: path.join(dataDir, 'kraft-logs'),
    logsDir: path.join(dataDir, 'logs'),
    certsDir: path.join(dataDir, 'certs'),
    config: path.join(dataDir, 'server.properties'),
    log4j: path.join(dataDir, 'log4j.properties'),
    toolsLog4j: path.join(dataDir, 'tools-log4j.properties'),
    serverLog: path.join(dataDir, 'logs', 'server.log'),
    stdoutLog: path.join(dataDir, 'logs', 'stdout.log'),
    pidFile: path.join(dataDir, BROKER_PID),
    infoFile: path.join(dataDir, BROKER_JSON),
  };
}

interface Ports {
  plaintext: number;
  controller: number;
  sasl?: number;
  tls?: number;
}

interface TlsFiles {
  caFile: string;
  caKey: string;
  serverPem: string;
  clientCertFile: string;
  clientKeyFile: string;
}

function serverProperties(l: Layout, ports: Ports, tls: TlsFiles | undefined, node?: ClusterNodeSettings, extra: ExtraListener[] = []): string {
  const listeners = [`PLAINTEXT://127.0.0.1:${ports.plaintext}`];
  if (ports.sasl) listeners.push(`SASL_PLAINTEXT://127.0.0.1:${ports.sasl}`);
  if (ports.tls) listeners.push(`SSL://127.0.0.1:${ports.tls}`);
  for (const x of extra) listeners.push(`${x.name}://127.0.0.1:${x.port}`);
  const extraMap = extra.map((x) => `,${x.name}:${x.securityProtocol}`).join('');
  const { plain } = LOCAL_BROKER_USERS;
  const lines = [
    '# Generated by Kafka Workbench on every start: edits are overwritten.',
    'process.roles=broker,controller',
    `node.id=${node?.nodeId ?? 1}`,
    `controller.quorum.voters=${node?.voters ?? `1@127.0.0.1:${ports.controller}`}`,
    `listeners=${[...listeners, `CONTROLLER://127.0.0.1:${ports.controller}`].join(',')}`,
    `advertised.listeners=${listeners.join(',')}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL${extraMap}`,
    `log.dirs=${propPath(l.logDirs)}`,
    '',
    ...replicationSettings(node),
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    'delete.topic.enable=true',
    '',
    '# Small thread pools and buffers: starts fast on 2 cores with a small heap.',
    'num.network.threads=2',
    'num.io.threads=4',
    'background.threads=4',
    'num.recovery.threads.per.data.dir=1',
    'num.replica.fetchers=1',
    'log.cleaner.threads=1',
    'log.cleaner.dedupe.buffer.size=16777216',
    'broker.heartbeat.interval.ms=500',
    'log.segment.bytes=268435456',
  ];
  if (ports.sasl) {
    lines.push(
      '',
      '# SASL_PLAINTEXT: PLAIN users live in the JAAS line below, SCRAM users were added at format time.',
      'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      'listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${plain.username}="${jaasEscape(plain.password)}";`,
      'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
      'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    );
  }
  if (ports.tls && tls) {
    lines.push(
      '',
      '# SSL: PEM key store (server key + chain) and trust store (the local CA); client certificates optional.',
      'listener.name.ssl.ssl.keystore.type=PEM',
      `listener.name.ssl.ssl.keystore.location=${propPath(tls.serverPem)}`,
      'listener.name.ssl.ssl.truststore.type=PEM',
      `listener.name.ssl.ssl.truststore.location=${propPath(tls.caFile)}`,
      'listener.name.ssl.ssl.client.auth=requested',
    );
  }
  for (const x of extra) lines.push('', `# Extra listener ${x.name} (LocalBrokerOptions.extraListeners)`, ...x.properties);
  return `${lines.join('\n')}\n`;
}

/**
 * One node: every replication factor is 1. Several: internal topics and new topics are replicated
 * to up to three nodes, and acks=all needs two in-sync replicas, as a production cluster would.
 */
function replicationSettings(node: ClusterNodeSettings | undefined): string[] {
  const replicas = Math.min(node?.nodeCount ?? 1, 3);
  const minIsr = replicas >= 3 ? 2 : 1;
  return [
    replicas === 1
      ? '# One node: every replication factor is 1, internal topics have one partition.'
      : `# ${node?.nodeCount} nodes: replication factor ${replicas}, min.insync.replicas ${minIsr}.`,
    'num.partitions=1',
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${replicas}`,
    'offsets.topic.num.partitions=1',
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minIsr}`,
    'transaction.state.log.num.partitions=1',
    ...(node ? ['# Followers drop out of the ISR quickly, so a killed node shows within seconds.', 'replica.lag.time.max.ms=10000', 'broker.session.timeout.ms=6000'] : []),
  ];
}

function brokerLog4j(l: Layout): string {
  return `# Generated by Kafka Workbench: the broker logs to logs/server.log, nothing to stdout.
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${propPath(l.serverLog)}
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.network.RequestChannel$=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
`;
}

const TOOLS_LOG4J = `log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
`;

// ---------------------------------------------------------------------------------------------
// Certificates

async function exists(file: string): Promise<boolean> {
  try {
    await fsp.access(file);
    return true;
  } catch {
    return false;
  }
}

async function openssl(args: string[], cwd: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 60_000, windowsHide: true }, (err, _stdout, stderr) => {
      if (!err) resolve();
      else if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('openssl is needed to make the TLS certificates of the local broker; install it or start without TLS'));
      } else reject(new Error(`openssl ${args[0]} failed: ${String(stderr).trim() || err.message}`));
    });
  });
}

/**
 * Makes (once) a local CA, a server certificate for 127.0.0.1/localhost and a client certificate,
 * all PEM, keys unencrypted PKCS#8. Reused while all files exist.
 */
async function ensureCertificates(certsDir: string, log: (line: string) => void): Promise<TlsFiles> {
  const files: TlsFiles = {
    caFile: path.join(certsDir, 'ca.crt'),
    caKey: path.join(certsDir, 'ca.key'),
    serverPem: path.join(certsDir, 'server.pem'),
    clientCertFile: path.join(certsDir, 'client.crt'),
    clientKeyFile: path.join(certsDir, 'client.key'),
  };
  if ((await Promise.all(Object.values(files).map(exists))).every(Boolean)) return files;

  log(`Making TLS certificates in ${certsDir}`);
  await fsp.rm(certsDir, { recursive: true, force: true });
  await fsp.mkdir(certsDir, { recursive: true, mode: 0o700 });
  const days = '3650';
  await openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', days, '-keyout', 'ca.key', '-out', 'ca.crt',
      '-subj', '/CN=Kafka Workbench local test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    certsDir,
  );
  const leaf = async (name: string, cn: string, ext: string): Promise<void> => {
    await fsp.writeFile(path.join(certsDir, `${name}.ext`), ext);
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], certsDir);
    await openssl(
      ['x509', '-req', '-sha256', '-days', days, '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key',
        '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-extfile', `${name}.ext`, '-out', `${name}.crt`],
      certsDir,
    );
    await fsp.rm(path.join(certsDir, `${name}.csr`), { force: true });
    await fsp.rm(path.join(certsDir, `${name}.ext`), { force: true });
  };
  await leaf(
    'server',
    'localhost',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  await leaf(
    'client',
    'kafka-workbench-client',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  // Kafka's PEM key store: the private key followed by the certificate chain.
  const pem = await Promise.all(['server.key', 'server.crt', 'ca.crt'].map((f) => fsp.readFile(path.join(certsDir, f), 'utf8')));
  await fsp.writeFile(files.serverPem, pem.map((p) => p.trim()).join('\n') + '\n', { mode: 0o600 });
  return files;
}

// ---------------------------------------------------------------------------------------------
// Starting

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting with '-'. */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function readClusterId(logDirs: string): Promise<string | undefined> {
  try {
    const text = await fsp.readFile(path.join(logDirs, 'meta.properties'), 'utf8');
    return /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

function runJava(javaPath: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaPath, args, { cwd, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

async function tailOf(file: string, fromOffset: number, lines: number): Promise<string> {
  try {
    const buf = await fsp.readFile(file);
    const text = buf.subarray(Math.min(fromOffset, buf.length)).toString('utf8');
    return text.split(/\r?\n/).filter((s) => s.length > 0).slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fsp.stat(file)).size;
  } catch {
    return 0;
  }
}

async function resolveJava(javaPath: string | undefined): Promise<string> {
  if (javaPath) return javaPath;
  const java = await findJava();
  if (!java) throw new Error(JAVA_MISSING_MESSAGE);
  if (java.majorVersion < MIN_JAVA_MAJOR) {
    throw new Error(`${JAVA_MISSING_MESSAGE} (found Java ${java.majorVersion} at ${java.path})`);
  }
  return java.path;
}

/**
 * Starts a single-node KRaft broker in `opts.dataDir` and resolves once it logs "Kafka Server
 * started". The JVM runs detached: it keeps running when this process exits, until stop() or
 * stopBrokerInDir(dataDir). Data in dataDir survives restarts (the cluster id is kept).
 */
export async function startLocalBroker(opts: LocalBrokerOptions): Promise<RunningBroker> {
  const log = opts.log ?? (() => undefined);
  const signal = opts.signal;
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('Aborted');
  if (opts.classpath.length === 0) throw new Error('The Kafka classpath is empty: call ensureKafkaJars first');
  const l = layoutOf(path.resolve(opts.dataDir));
  const javaPath = await resolveJava(opts.javaPath);

  const already = await findRunningBroker(l.dataDir);
  if (already) {
    throw new Error(`A Kafka broker is already running in ${l.dataDir} (pid ${already.pid}, ${already.bootstrap}); stop it first`);
  }
  const stalePid = await readPidFile(l.dataDir);
  if (stalePid !== undefined && (await isKafkaBrokerProcess(stalePid, l.dataDir))) {
    throw new Error(`A Kafka broker is still starting or running in ${l.dataDir} (pid ${stalePid}); stop it first`);
  }

  await fsp.mkdir(l.logsDir, { recursive: true });

  // Ports: the one asked for (must be free), else last run's (when free), else any free one.
  if (opts.plaintextPort && !(await isPortFree(opts.plaintextPort))) {
    throw new Error(
      `Port ${opts.plaintextPort} on 127.0.0.1 is already in use; stop whatever listens there or choose another port (0 picks a free one)`,
    );
  }
  const previous = (await readBrokerInfo(l.dataDir).catch(() => undefined))?.ports;
  const node = opts.clusterNode;
  const [plaintext, pickedController, saslPort, tlsPort] = await pickPorts([
    opts.plaintextPort || previous?.plaintext,
    node ? undefined : previous?.controller,
    opts.sasl ? previous?.sasl : undefined,
    opts.tls ? previous?.tls : undefined,
  ]);
  if (opts.plaintextPort && plaintext !== opts.plaintextPort) {
    throw new Error(`Port ${opts.plaintextPort} on 127.0.0.1 is already in use; choose another port (0 picks a free one)`);
  }
  // A cluster node's controller port is part of the voters line every node shares.
  const controller = node?.controllerPort ?? pickedController;
  if (node && !(await isPortFree(controller))) {
    throw new Error(`Controller port ${controller} of node ${node.nodeId} on 127.0.0.1 is already in use; stop whatever listens there`);
  }
  const ports: Ports = { plaintext, controller, sasl: opts.sasl ? saslPort : undefined, tls: opts.tls ? tlsPort : undefined };

  let tls: TlsFiles | undefined;
  if (opts.tls) {
    tls = await ensureCertificates(l.certsDir, log);
  }

  await fsp.writeFile(l.config, serverProperties(l, ports, tls, node, opts.extraListeners));
  await fsp.writeFile(l.log4j, brokerLog4j(l));
  await fsp.writeFile(l.toolsLog4j, TOOLS_LOG4J);
  const cp = opts.classpath.join(path.delimiter);

  // Format the storage once; SCRAM users are written into the metadata log at that point.
  let clusterId = await readClusterId(l.logDirs);
  if (node && clusterId && clusterId !== node.clusterId) {
    throw new Error(`${l.logDirs} belongs to cluster ${clusterId}, not ${node.clusterId}: remove the folder to start afresh`);
  }
  if (!clusterId) {
    clusterId = node?.clusterId ?? newClusterId();
    log(`Formatting storage (cluster id ${clusterId})`);
    const { scram256, scram512 } = LOCAL_BROKER_USERS;
    const result = await runJava(
      javaPath,
      [
        '-Xmx256m', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=${pathToFileURL(l.toolsLog4j).href}`,
        '-cp', cp, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', l.config, '-g',
        '--add-scram', `SCRAM-SHA-256=[name=${scram256.username},password=${scram256.password}]`,
        '--add-scram', `SCRAM-SHA-512=[name=${scram512.username},password=${scram512.password}]`,
      ],
      l.dataDir,
      120_000,
    );
    if (result.code !== 0) {
      throw new Error(`Formatting the broker storage failed (exit code ${result.code}):\n${result.output.trim().split('\n').slice(-30).join('\n')}`);
    }
    const formatted = await readClusterId(l.logDirs);
    if (!formatted) throw new Error(`Formatting the broker storage wrote no meta.properties:\n${result.output.trim()}`);
    clusterId = formatted;
  }

  const heapMb = opts.heapMb ?? DEFAULT_HEAP_MB;
  const jvmArgs = [
    `-Xms${Math.min(heapMb, 256)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=${pathToFileURL(l.log4j).href}`,
    `-Dkafka.logs.dir=${l.logsDir}`,
    `-D${DATA_DIR_MARKER}=${l.dataDir}`,
    '-cp',
    cp,
    'kafka.Kafka',
    l.config,
  ];

  const logOffset = await fileSize(l.serverLog);
  const stdoutOffset = await fileSize(l.stdoutLog);
  const out = await fsp.open(l.stdoutLog, 'a');
  let child: ChildProcess;
  const started = Date.now();
  try {
    log(`Starting Kafka ${KAFKA_VERSION} in ${l.dataDir}`);
    child = spawn(javaPath, jvmArgs, { cwd: l.dataDir, detached: true, windowsHide: true, stdio: ['ignore', out.fd, out.fd] });
  } finally {
    await out.close();
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  let spawnFailure: Error | undefined;
  void spawnError.then((e) => (spawnFailure = e));
  child.unref();
  const pid = child.pid;
  if (pid === undefined) {
    const err = await spawnError;
    throw new Error(`Could not start ${javaPath}: ${err.message}`);
  }
  await fsp.writeFile(l.pidFile, `${pid}\n`);

  const failure = async (headline: string): Promise<Error> => {
    const brokerTail = await tailOf(l.serverLog, logOffset, 40);
    const stdoutTail = await tailOf(l.stdoutLog, stdoutOffset, 20);
    let hint = '';
    if (/Address already in use|BindException/.test(brokerTail + stdoutTail)) {
      hint = `\nA port it was given is already in use (ports: ${JSON.stringify(ports)}).`;
    }
    return new Error(
      `${headline}${hint}\n--- ${l.serverLog} (last lines) ---\n${brokerTail || '(empty)'}` +
        (stdoutTail ? `\n--- ${l.stdoutLog} ---\n${stdoutTail}` : ''),
    );
  };

  // Wait for the ready line, an early exit, the deadline or an abort.
  const readyTimeoutMs = opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  let offset = logOffset;
  let pending = '';
  for (;;) {
    if (spawnFailure) {
      await fsp.rm(l.pidFile, { force: true });
      throw new Error(`Could not start ${javaPath}: ${spawnFailure.message}`);
    }
    const size = await fileSize(l.serverLog);
    if (size < offset) offset = 0; // rotated
    if (size > offset) {
      const fh = await fsp.open(l.serverLog, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        await fh.read(buf, 0, buf.length, offset);
        offset = size;
        const lines = (pending + buf.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        let ready = false;
        for (const line of lines) {
          if (/\] (ERROR|FATAL) /.test(line)) log(line);
          if (READY_LINE.test(line)) ready = true;
        }
        if (ready) break;
      } finally {
        await fh.close();
      }
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await fsp.rm(l.pidFile, { force: true });
      throw await failure(
        `The Kafka broker exited (${child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode}) before it was ready`,
      );
    }
    if (signal?.aborted) {
      await terminate(pid, 10_000, child);
      await fsp.rm(l.pidFile, { force: true });
      throw signal.reason instanceof Error ? signal.reason : new Error('Starting the Kafka broker was cancelled');
    }
    if (Date.now() - started > readyTimeoutMs) {
      const err = await failure(`The Kafka broker was not ready after ${Math.round(readyTimeoutMs / 1000)} s; it was stopped`);
      await terminate(pid, 10_000, child);
      await fsp.rm(l.pidFile, { force: true });
      throw err;
    }
    await delay(200);
  }
  log(`Kafka broker ready in ${((Date.now() - started) / 1000).toFixed(1)} s on 127.0.0.1:${ports.plaintext}`);

  const info: BrokerInfo = {
    clusterId,
    nodeId: node?.nodeId ?? 1,
    pid,
    bootstrap: `127.0.0.1:${ports.plaintext}`,
    sasl: ports.sasl ? { bootstrap: `127.0.0.1:${ports.sasl}`, users: LOCAL_BROKER_USERS } : undefined,
    tls:
      ports.tls && tls
        ? { bootstrap: `127.0.0.1:${ports.tls}`, caFile: tls.caFile, clientCertFile: tls.clientCertFile, clientKeyFile: tls.clientKeyFile }
        : undefined,
    dataDir: l.dataDir,
    kafkaVersion: KAFKA_VERSION,
    ports,
    files: { config: l.config, log: l.serverLog, stdout: l.stdoutLog, pid: l.pidFile, info: l.infoFile },
    startedAt: new Date().toISOString(),
  };
  await writeFileAtomic(l.infoFile, `${JSON.stringify(info, null, 2)}\n`);

  let stopping: Promise<void> | undefined;
  return {
    ...info,
    stop: () =>
      (stopping ??= (async () => {
        await terminate(pid, STOP_TIMEOUT_MS, child);
        await fsp.rm(l.pidFile, { force: true });
      })()),
  };
}
