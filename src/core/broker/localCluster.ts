// A real multi-node Apache Kafka cluster on loopback: N KRaft nodes, each broker and controller, with a
// static controller quorum. Every node is one localBroker.ts broker in its own folder; this module
// chooses the shared cluster id, the voters line and the ports, starts the nodes in parallel (a
// static quorum only forms once a majority is up, so one-by-one would wait on itself) and writes
// cluster.json. Layer-1 core: no `vscode`, no Kafka client library.
//
// Layout of a cluster folder:
//   cluster.json            cluster id, bootstrap list, and each node's broker.json contents
//   node-1/ node-2/ ...     one broker data folder per node (see localBroker.ts)
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  findFreePort,
  findRunningBroker,
  isKafkaBrokerProcess,
  isPortFree,
  newClusterId,
  readBrokerInfo,
  startLocalBroker,
  stopBrokerInDir,
  type BrokerInfo,
  type ClusterNodeSettings,
  type RunningBroker,
} from './localBroker';

export interface LocalClusterOptions {
  /** Folder holding cluster.json and one node-N folder per node. */
  dataDir: string;
  classpath: string[];
  javaPath?: string;
  /** Number of nodes (1 to 9). */
  nodes: number;
  /** JVM maximum heap per node in MiB (default 384: three nodes fit in about 2 GB). */
  heapMb?: number;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface ClusterNodeInfo extends BrokerInfo {
  nodeId: number;
  /** The settings that make it this node again when restarted alone. */
  node: ClusterNodeSettings;
}

export interface ClusterInfo {
  clusterId: string;
  /** Every node's PLAINTEXT listener, comma-separated (a client's bootstrap list). */
  bootstrap: string;
  dataDir: string;
  nodes: ClusterNodeInfo[];
  heapMb: number;
  startedAt: string;
}

export interface RunningCluster extends ClusterInfo {
  /** Stops every node (SIGTERM, then SIGKILL after the timeout), in parallel. */
  stop(): Promise<void>;
}

const CLUSTER_JSON = 'cluster.json';
/**
 * Errors every node logs while the quorum forms (a registration sent before a leader is known, a
 * heartbeat expiring on a busy machine); they resolve themselves, so they are not shown as failures.
 */
const BENIGN_START_ERRORS = /apiKey=CONTROLLER_REGISTRATION|processExpiredBrokerHeartbeat/;
export const DEFAULT_CLUSTER_HEAP_MB = 384;
const MAX_NODES = 9;

function nodeDir(dataDir: string, nodeId: number): string {
  return path.join(dataDir, `node-${nodeId}`);
}

/** Reads cluster.json, or undefined when there is none. */
export async function readClusterInfo(dataDir: string): Promise<ClusterInfo | undefined> {
  try {
    return JSON.parse(await fsp.readFile(path.join(dataDir, CLUSTER_JSON), 'utf8')) as ClusterInfo;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** cluster.json of a cluster with at least one node running in dataDir, refreshed with each node's current pid. */
export async function findRunningCluster(dataDir: string): Promise<(ClusterInfo & { running: number[] }) | undefined> {
  const info = await readClusterInfo(dataDir);
  if (!info) return undefined;
  const running: number[] = [];
  const nodes = await Promise.all(
    info.nodes.map(async (n) => {
      const live = await findRunningBroker(nodeDir(dataDir, n.nodeId));
      if (live) running.push(n.nodeId);
      return live ? { ...n, pid: live.pid } : n;
    }),
  );
  if (running.length === 0) return undefined;
  return { ...info, nodes, running: running.sort((a, b) => a - b) };
}

/** The cluster id some node folder was already formatted with, if any. */
async function formattedClusterId(dataDir: string, nodes: number): Promise<string | undefined> {
  for (let id = 1; id <= nodes; id++) {
    try {
      const text = await fsp.readFile(path.join(nodeDir(dataDir, id), 'kraft-logs', 'meta.properties'), 'utf8');
      const found = /^cluster\.id=(.+)$/m.exec(text)?.[1]?.trim();
      if (found) return found;
    } catch {
      // not formatted
    }
  }
  return undefined;
}

/** Stops every node running in dataDir; resolves with how many were running. */
export async function stopClusterInDir(dataDir: string): Promise<number> {
  const info = await readClusterInfo(dataDir);
  const ids = info?.nodes.map((n) => n.nodeId) ?? [];
  // Folders left by a start that never wrote cluster.json are stopped too.
  const entries = await fsp.readdir(dataDir).catch(() => [] as string[]);
  for (const e of entries) {
    const m = /^node-(\d+)$/.exec(e);
    if (m && !ids.includes(Number(m[1]))) ids.push(Number(m[1]));
  }
  const stopped = await Promise.all(ids.map((id) => stopBrokerInDir(nodeDir(dataDir, id))));
  return stopped.filter(Boolean).length;
}

/** Resident memory of a process in MiB (Linux /proc), or undefined where it cannot be read. */
export async function residentMemoryMb(pid: number): Promise<number | undefined> {
  try {
    const status = await fsp.readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts an N-node KRaft cluster in `opts.dataDir` and resolves once every node logged "Kafka
 * Server started". Ports and the cluster id of an earlier run in the same folder are reused (the
 * nodes' data was formatted with that id); fresh ones are chosen otherwise. If one node fails, the
 * others are stopped and the first error is thrown.
 */
export async function startLocalCluster(opts: LocalClusterOptions): Promise<RunningCluster> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > MAX_NODES) {
    throw new Error(`A local cluster has 1 to ${MAX_NODES} nodes, not ${opts.nodes}`);
  }
  const dataDir = path.resolve(opts.dataDir);
  const running = await findRunningCluster(dataDir);
  if (running) {
    throw new Error(`A Kafka cluster is already running in ${dataDir} (nodes ${running.running.join(', ')}); stop it first`);
  }
  await fsp.mkdir(dataDir, { recursive: true });
  const previous = await readClusterInfo(dataDir);
  const sameShape = previous?.nodes.length === opts.nodes;
  if (previous && !sameShape) {
    throw new Error(`${dataDir} holds a ${previous.nodes.length}-node cluster; remove the folder to start ${opts.nodes} nodes`);
  }
  // A start that failed before writing cluster.json may have formatted some nodes: keep their id.
  const clusterId = previous?.clusterId ?? (await formattedClusterId(dataDir, opts.nodes)) ?? newClusterId();

  // Ports: last run's when still free (voters must agree on every node), else new free ones.
  const ids = Array.from({ length: opts.nodes }, (_, i) => i + 1);
  const taken = new Set<number>();
  const choose = async (want: number | undefined): Promise<number> => {
    if (want && !taken.has(want) && (await isPortFree(want))) {
      taken.add(want);
      return want;
    }
    for (;;) {
      const port = await findFreePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  const ports: { plaintext: number; controller: number }[] = [];
  for (const id of ids) {
    const before = previous?.nodes.find((n) => n.nodeId === id)?.ports;
    ports.push({ plaintext: await choose(before?.plaintext), controller: await choose(before?.controller) });
  }
  const voters = ids.map((id, i) => `${id}@127.0.0.1:${ports[i].controller}`).join(',');
  const heapMb = opts.heapMb ?? DEFAULT_CLUSTER_HEAP_MB;

  const settled = await Promise.allSettled(
    ids.map((id, i) =>
      startLocalBroker({
        dataDir: nodeDir(dataDir, id),
        classpath: opts.classpath,
        javaPath: opts.javaPath,
        plaintextPort: ports[i].plaintext,
        heapMb,
        readyTimeoutMs: opts.readyTimeoutMs,
        log: opts.log ? (line) => void (BENIGN_START_ERRORS.test(line) || opts.log?.(`[node ${id}] ${line}`)) : undefined,
        signal: opts.signal,
        clusterNode: { nodeId: id, clusterId, voters, controllerPort: ports[i].controller, nodeCount: opts.nodes },
      }),
    ),
  );
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((b) => b.stop()));
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  return writeCluster(dataDir, clusterId, heapMb, started, voters);
}

async function writeCluster(dataDir: string, clusterId: string, heapMb: number, brokers: RunningBroker[], voters: string): Promise<RunningCluster> {
  const nodes: ClusterNodeInfo[] = brokers.map(({ stop: _stop, ...info }) => {
    const nodeId = info.nodeId ?? 1;
    return { ...info, nodeId, node: { nodeId, clusterId, voters, controllerPort: info.ports.controller, nodeCount: brokers.length } };
  });
  const info: ClusterInfo = {
    clusterId,
    bootstrap: nodes.map((n) => n.bootstrap).join(','),
    dataDir,
    nodes,
    heapMb,
    startedAt: new Date().toISOString(),
  };
  await fsp.writeFile(path.join(dataDir, CLUSTER_JSON), `${JSON.stringify(info, null, 2)}\n`);
  return { ...info, stop: async () => void (await Promise.all(brokers.map((b) => b.stop()))) };
}

/**
 * Starts one node of a cluster again (after it was stopped or killed) with the same id, ports and
 * quorum; resolves once it is started. Its pid is updated in cluster.json.
 */
export async function restartClusterNode(
  dataDir: string,
  nodeId: number,
  opts: { classpath: string[]; javaPath?: string; log?: (line: string) => void; readyTimeoutMs?: number },
): Promise<RunningBroker> {
  const info = await readClusterInfo(dataDir);
  const node = info?.nodes.find((n) => n.nodeId === nodeId);
  if (!info || !node) throw new Error(`No node ${nodeId} in the cluster in ${dataDir}`);
  const dir = nodeDir(dataDir, nodeId);
  if (await isKafkaBrokerProcess(node.pid, dir)) throw new Error(`Node ${nodeId} is still running (pid ${node.pid})`);
  const broker = await startLocalBroker({
    dataDir: dir,
    classpath: opts.classpath,
    javaPath: opts.javaPath,
    plaintextPort: node.ports.plaintext,
    heapMb: info.heapMb,
    readyTimeoutMs: opts.readyTimeoutMs,
    log: opts.log,
    clusterNode: node.node,
  });
  const fresh = (await readBrokerInfo(dir)) ?? broker;
  info.nodes = info.nodes.map((n) => (n.nodeId === nodeId ? { ...n, pid: fresh.pid, startedAt: fresh.startedAt } : n));
  await fsp.writeFile(path.join(dataDir, CLUSTER_JSON), `${JSON.stringify(info, null, 2)}\n`);
  return broker;
}
