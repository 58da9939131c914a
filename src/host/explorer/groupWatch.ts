import * as vscode from 'vscode';
import type { GroupDescription } from '../../core/kafka/groups';
import type { ConnectionManager } from '../connections/connectionManager';
import { log } from '../log';

/** How often the groups a user is looking at are described again: joins and leaves show within this. */
export const GROUP_WATCH_INTERVAL_MS = 3_000;

/** What the tree shows of groups: id, state, and each member with its partitions. */
export function groupsDigest(groups: readonly GroupDescription[]): string {
  return JSON.stringify(groups.map((g) => [g.groupId, g.state, g.members.map((m) => [m.memberId, m.assignment])]));
}

interface Watch {
  timer: NodeJS.Timeout;
  digest: string;
  /** Polls since a reported change that the tree did not list again (a collapsed level is not). */
  unlisted?: number;
  busy: boolean;
}

/**
 * Consumer groups change without anyone touching the tree: members join and leave, groups
 * rebalance. While a connection's Consumer Groups level is expanded, this describes the listed groups
 * every {@link GROUP_WATCH_INTERVAL_MS} and fires onDidChange when what the tree shows would change.
 * It stops when the connection is no longer connected, or when a change it reported was not listed
 * again (the level was collapsed).
 */
export class GroupWatcher implements vscode.Disposable {
  private readonly watches = new Map<string, Watch>();
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly manager: ConnectionManager,
    /** Describes the groups the tree would list now (with its filter). */
    private readonly load: (connectionName: string) => Promise<GroupDescription[]>,
    private readonly intervalMs = GROUP_WATCH_INTERVAL_MS,
  ) {}

  /** The tree just listed these groups: they are the baseline to compare with. */
  listed(connectionName: string, groups: readonly GroupDescription[]): void {
    const digest = groupsDigest(groups);
    const watch = this.watches.get(connectionName);
    if (watch) {
      watch.digest = digest;
      watch.unlisted = undefined;
      return;
    }
    const timer = setInterval(() => void this.poll(connectionName), this.intervalMs);
    this.watches.set(connectionName, { timer, digest, busy: false });
  }

  private async poll(connectionName: string): Promise<void> {
    const watch = this.watches.get(connectionName);
    if (!watch || watch.busy) return;
    if (watch.unlisted !== undefined) watch.unlisted++;
    if (this.manager.status(connectionName).state !== 'connected' || (watch.unlisted ?? 0) > 2) {
      this.stop(connectionName);
      return;
    }
    watch.busy = true;
    try {
      const digest = groupsDigest(await this.load(connectionName));
      if (digest !== watch.digest) {
        watch.digest = digest;
        watch.unlisted ??= 0;
        this.changed.fire(connectionName);
      }
    } catch (e) {
      // The health check reports an unreachable cluster; here a missed poll is only logged.
      log().debug(`watching the groups of ${connectionName}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      watch.busy = false;
    }
  }

  private stop(connectionName: string): void {
    const watch = this.watches.get(connectionName);
    if (watch) clearInterval(watch.timer);
    this.watches.delete(connectionName);
  }

  dispose(): void {
    for (const name of [...this.watches.keys()]) this.stop(name);
    this.changed.dispose();
  }
}
