import * as vscode from 'vscode';
import type { ClusterBroker } from '../../core/kafka/client';
import { checkClusterHealth, describeCounts, type ClusterHealth, type ReplicationConfigCache } from '../../core/kafka/clusterHealth';
import { log } from '../log';
import type { ConnectionManager } from './connectionManager';

/** How often a connected cluster is checked: an outage shows within about this long. */
export const HEALTH_INTERVAL_MS = 5_000;
/** Topic configs (min.insync.replicas) are re-read every this many checks (about a minute). */
const CONFIG_REFRESH_CHECKS = 12;

export interface HealthState {
  /** False while the last check could not reach any broker. */
  reachable: boolean;
  /** The last successful check (kept while unreachable, so the tree still knows the brokers). */
  health?: ClusterHealth;
  /** Why the last check failed. */
  error?: string;
  /** When the cluster was last reached (ms since epoch). */
  lastReachedAt?: number;
}

/** Brokers up, e.g. "2/3 brokers up", or undefined when every known broker is up. */
export function brokersDown(health: ClusterHealth | undefined): ClusterBroker[] {
  return health?.brokers.filter((b) => !b.online) ?? [];
}

/**
 * Watches every connected cluster: one health check right after connecting, then every
 * {@link HEALTH_INTERVAL_MS} (never two at once per connection). Brokers seen once are remembered
 * for the life of the connection, so one that leaves is shown offline rather than vanishing.
 * Fires onDidChange only when what a user sees would change.
 */
export class ConnectionHealthMonitor implements vscode.Disposable {
  private readonly states = new Map<string, HealthState>();
  private readonly known = new Map<string, ClusterBroker[]>();
  /** Per connection: topics' min.insync.replicas, re-read every CONFIG_REFRESH_CHECKS checks. */
  private readonly configs = new Map<string, { cache: ReplicationConfigCache; checks: number }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<HealthState | undefined>>();
  private readonly digests = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly manager: ConnectionManager,
    private readonly intervalMs = HEALTH_INTERVAL_MS,
  ) {
    this.subscription = manager.onDidChange(() => this.sync());
  }

  get(name: string): HealthState | undefined {
    return this.states.get(name);
  }

  /** Starts watching connections that became connected, forgets the ones that are not any more. */
  private sync(): void {
    for (const p of this.manager.profiles()) {
      const connected = this.manager.status(p.name).state === 'connected';
      if (connected && !this.timers.has(p.name) && !this.running.has(p.name)) this.schedule(p.name, 0);
      if (!connected) this.forget(p.name);
    }
    for (const name of [...this.states.keys()]) if (!this.manager.store.get(name)) this.forget(name);
  }

  private forget(name: string): void {
    clearTimeout(this.timers.get(name));
    this.timers.delete(name);
    this.known.delete(name);
    this.configs.delete(name);
    this.digests.delete(name);
    if (this.states.delete(name)) this.changed.fire(name);
  }

  private schedule(name: string, delayMs: number): void {
    clearTimeout(this.timers.get(name));
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        void this.checkNow(name).finally(() => {
          if (this.manager.status(name).state === 'connected' && !this.timers.has(name)) this.schedule(name, this.intervalMs);
        });
      }, delayMs),
    );
  }

  /** Checks one connection now (joining a check already running); undefined when it is not connected. */
  checkNow(name: string): Promise<HealthState | undefined> {
    const inFlight = this.running.get(name);
    if (inFlight) return inFlight;
    const work = this.check(name).finally(() => this.running.delete(name));
    this.running.set(name, work);
    return work;
  }

  private async check(name: string): Promise<HealthState | undefined> {
    const client = this.manager.client(name);
    if (!client) return undefined;
    const previous = this.states.get(name);
    let state: HealthState;
    try {
      let configs = this.configs.get(name);
      if (!configs || configs.checks >= CONFIG_REFRESH_CHECKS) this.configs.set(name, (configs = { cache: new Map(), checks: 0 }));
      configs.checks++;
      const health = await checkClusterHealth(client, this.known.get(name) ?? [], configs.cache);
      this.known.set(name, health.brokers);
      state = { reachable: true, health, lastReachedAt: Date.now() };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // Keep the last picture, with every broker marked down: none answered.
      const health = previous?.health && { ...previous.health, brokers: previous.health.brokers.map((b) => ({ ...b, online: false, activeController: false })) };
      state = { reachable: false, health, error: message, lastReachedAt: previous?.lastReachedAt };
    }
    if (this.manager.client(name) !== client) return undefined; // disconnected meanwhile
    this.states.set(name, state);
    // A healthy cluster looks in the tree as it did before any check, so a first healthy result
    // (or a healthy one after a healthy one) does not refresh the tree under the user's clicks.
    const digest = digestOf(state);
    const before = this.digests.get(name);
    if (digest !== before) {
      this.digests.set(name, digest);
      if (before !== undefined) log().info(`"${name}" health: ${summaryLine(state)}`);
      if (!isHealthy(state) || (before !== undefined && before !== HEALTHY)) this.changed.fire(name);
    }
    return state;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.subscription.dispose();
    this.changed.dispose();
  }
}

const HEALTHY = 'healthy';

function isHealthy(s: HealthState): boolean {
  return s.reachable && !!s.health && brokersDown(s.health).length === 0 && Object.values(s.health.counts).every((n) => n === 0);
}

/**
 * What a user sees of a health state, as text: equal digests mean nothing visible changed. Every
 * healthy state is one digest: topics created or leaders moving on a healthy cluster change nothing
 * the health marks show.
 */
function digestOf(s: HealthState): string {
  if (isHealthy(s)) return HEALTHY;
  const h = s.health;
  return JSON.stringify([
    s.reachable,
    h?.controllerId,
    h?.brokers.map((b) => [b.nodeId, b.online]),
    h?.counts,
    h?.topics.filter((t) => Object.values(t.counts).some((n) => n > 0)).map((t) => [t.name, t.counts]),
  ]);
}

/** One line: "unreachable: <why>", "2/3 brokers up · 6 under-replicated", or "healthy · 3 brokers". */
export function summaryLine(s: HealthState): string {
  if (!s.reachable) return `unreachable: ${s.error ?? 'no broker answers'}`;
  const h = s.health;
  if (!h) return 'checking…';
  const down = brokersDown(h).length;
  const parts = [down ? `${h.brokers.length - down}/${h.brokers.length} brokers up` : `${h.brokers.length} broker${h.brokers.length === 1 ? '' : 's'}`];
  const counts = describeCounts(h.counts);
  if (counts) parts.push(counts);
  return parts.join(' · ');
}
