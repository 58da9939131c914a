// A real three-node Kafka cluster for the tests that need replication and failover.
//
// Started lazily, once per test process, on the first call of testCluster() (layers and files that
// never call it pay nothing), in a fresh .cache/test-cluster (a killed node from an earlier run must
// not leak into this one), and stopped when the process exits. kill() and restart() let a test take
// one node down with SIGKILL and bring it back with the same id, ports and data.
import { rmSync, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  restartClusterNode,
  startLocalCluster,
  stopClusterInDir,
  type ClusterInfo,
  type ClusterNodeInfo,
} from '../../src/core/broker/localCluster';
import { findRepoRoot as repoRoot } from './repoRoot';
import { testClasspath } from './testBroker';

export interface TestCluster extends ClusterInfo {
  /** Seconds from spawning the three JVMs to every node ready. */
  startSeconds: number;
  node(nodeId: number): ClusterNodeInfo;
  /** SIGKILL one node and wait until its process is gone. */
  kill(nodeId: number): Promise<void>;
  /** Start a killed node again and wait until it is ready. */
  restart(nodeId: number): Promise<void>;
  isUp(nodeId: number): boolean;
  /** The node's current pid (changes when it is restarted). */
  pid(nodeId: number): number;
}

export function testClusterDir(): string {
  return path.join(repoRoot(), '.cache', 'test-cluster');
}

// Each test file is its own bundle with its own copy of this module: the state lives on globalThis
// so that every file of one process shares one cluster.
interface Shared {
  pending?: Promise<TestCluster>;
  pids: Map<number, number>;
}
const shared: Shared = ((globalThis as Record<symbol, Shared | undefined>)[Symbol.for('kafka-workbench.testCluster')] ??= { pids: new Map() });
const pids = shared.pids;

/** The shared three-node cluster of this test process. */
export function testCluster(): Promise<TestCluster> {
  shared.pending ??= start().catch((err: unknown) => {
    shared.pending = undefined;
    throw err;
  });
  return shared.pending;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function start(): Promise<TestCluster> {
  const dir = testClusterDir();
  await stopClusterInDir(dir);
  await fsp.rm(dir, { recursive: true, force: true });
  const classpath = await testClasspath();
  const t0 = Date.now();
  const cluster = await startLocalCluster({ dataDir: dir, classpath, nodes: 3 });
  const startSeconds = (Date.now() - t0) / 1000;
  for (const n of cluster.nodes) pids.set(n.nodeId, n.pid);
  process.once('exit', killAll);
  const { stop: _stop, ...info } = cluster;
  const node = (id: number): ClusterNodeInfo => {
    const found = info.nodes.find((n) => n.nodeId === id);
    if (!found) throw new Error(`no node ${id}`);
    return found;
  };
  return {
    ...info,
    startSeconds,
    node,
    isUp: (id) => alive(pids.get(id) ?? -1),
    pid: (id) => pids.get(id) ?? -1,
    kill: async (id) => {
      const pid = pids.get(id);
      if (pid === undefined || !alive(pid)) return;
      process.kill(pid, 'SIGKILL');
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
    },
    restart: async (id) => {
      const broker = await restartClusterNode(dir, id, { classpath });
      pids.set(id, broker.pid);
    },
  };
}

/** At exit (synchronous): SIGKILL every node; the data folder is removed on the next start anyway. */
function killAll(): void {
  for (const pid of pids.values()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const id of [1, 2, 3]) rmSync(path.join(testClusterDir(), `node-${id}`, 'broker.pid'), { force: true });
}
