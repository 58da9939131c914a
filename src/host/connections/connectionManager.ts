import * as vscode from 'vscode';
import type { ConnectionProfile, ConnectionSecrets, SchemaRegistrySettings } from '../../core/connection/profile';
import { KafkaClient, type ClusterSummary } from '../../core/kafka/client';
import { KafkaWorkbenchError, type FailureCause } from '../../core/kafka/errors';
import { coreLogger, log } from '../log';
import { settings } from '../settings';
import { displayUrl, registryClientFor, type SchemaRegistryClient } from '../../core/avro/registry';
import type { ConnectionStore, SecretChanges } from './connectionStore';
import { ConnectionHealthMonitor } from './connectionHealth';

export type ConnectionStatus =
  | { state: 'disconnected' }
  | { state: 'connecting' }
  | { state: 'connected'; summary: ClusterSummary }
  | { state: 'failed'; message: string; reason: FailureCause };

/** What "Test Connection" answers; returned by the command so scripts and tests can read it. */
/** The registry part of a test: its subject count, or why it failed; absent without a registry. */
export type RegistryCheck = { ok: true; url: string; subjects: number } | { ok: false; url: string; message: string };

export type TestConnectionResult =
  | { ok: true; connection: string; summary: ClusterSummary; registry?: RegistryCheck }
  | { ok: false; connection: string; reason: FailureCause; message: string; elapsedMs: number };

/** One line for a test result: what was reached, or what failed and what to do. */
export function describeTestResult(result: TestConnectionResult): string {
  if (!result.ok) return `"${result.connection}": ${result.message}`;
  const { summary } = result;
  const controller = summary.brokers.find((b) => b.isController);
  const controllerText = controller ? `${controller.nodeId} (${controller.host}:${controller.port})` : String(summary.controllerId ?? 'unknown');
  const registry = !result.registry
    ? ''
    : result.registry.ok
      ? ` Schema Registry ${result.registry.url}: ${result.registry.subjects} subject(s).`
      : ` Schema Registry: ${result.registry.message}`;
  return (
    `"${result.connection}" is reachable: cluster ${summary.clusterId}, controller ${controllerText}, ` +
    `${summary.brokers.length} broker(s), round trip ${summary.roundTripMs} ms.${registry}`
  );
}

function failure(e: unknown): { message: string; reason: FailureCause } {
  if (e instanceof KafkaWorkbenchError) return { message: e.message, reason: e.reason };
  return { message: e instanceof Error ? e.message : String(e), reason: 'other' };
}

/**
 * Owns the live clients of every connection. Connecting creates one {@link KafkaClient}; everything
 * that talks to that cluster (tree, producers, consumers) gets it from here, so disconnecting closes
 * all of them at once.
 */
export class ConnectionManager implements vscode.Disposable {
  private readonly clients = new Map<string, KafkaClient>();
  private readonly registries = new Map<string, SchemaRegistryClient>();
  private readonly statuses = new Map<string, ConnectionStatus>();
  private readonly pending = new Map<string, Promise<ClusterSummary>>();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  private active: string | undefined;

  /** Fires with a connection name, or undefined when the list of connections itself changed. */
  readonly onDidChange = this.changed.event;

  /** Brokers up or down and partition health of every connected cluster, checked every few seconds. */
  readonly health: ConnectionHealthMonitor;

  constructor(readonly store: ConnectionStore) {
    this.health = new ConnectionHealthMonitor(this);
  }

  profiles(): ConnectionProfile[] {
    return this.store.list();
  }

  status(name: string): ConnectionStatus {
    return this.statuses.get(name) ?? { state: 'disconnected' };
  }

  /** The connection shown in the status bar: the last one connected. */
  activeConnection(): string | undefined {
    return this.active;
  }

  /** The live client of a connected connection, or undefined. */
  client(name: string): KafkaClient | undefined {
    return this.clients.get(name);
  }

  private setStatus(name: string, status: ConnectionStatus): void {
    this.statuses.set(name, status);
    this.changed.fire(name);
  }

  private profile(name: string): ConnectionProfile {
    const profile = this.store.get(name);
    if (!profile) throw new KafkaWorkbenchError(`There is no connection named "${name}": add it with "Kafka: Add Connection".`, 'invalid-input');
    return profile;
  }

  private async newClient(profile: ConnectionProfile, secrets: ConnectionSecrets): Promise<KafkaClient> {
    return KafkaClient.create(profile, secrets, { timeoutMs: settings.connectionTimeoutMs(), logger: coreLogger() });
  }

  /** Connects (once, even when asked twice at the same time) and returns the cluster description. */
  connect(name: string): Promise<ClusterSummary> {
    const inFlight = this.pending.get(name);
    if (inFlight) return inFlight;
    const work = this.doConnect(name).finally(() => this.pending.delete(name));
    this.pending.set(name, work);
    return work;
  }

  private async doConnect(name: string): Promise<ClusterSummary> {
    const profile = this.profile(name);
    await this.closeClient(name);
    this.setStatus(name, { state: 'connecting' });
    let client: KafkaClient | undefined;
    try {
      client = await this.newClient(profile, await this.store.secretsFor(name));
      const summary = await client.describeCluster();
      this.clients.set(name, client);
      this.active = name;
      log().info(`connected to "${name}" (cluster ${summary.clusterId}, ${summary.brokers.length} broker(s))`);
      this.setStatus(name, { state: 'connected', summary });
      return summary;
    } catch (e) {
      await client?.close();
      this.setStatus(name, { state: 'failed', ...failure(e) });
      throw e;
    }
  }

  async disconnect(name: string): Promise<void> {
    const wasConnected = this.clients.has(name);
    await this.closeClient(name);
    if (this.active === name) this.active = undefined;
    if (this.status(name).state === 'disconnected') return;
    this.setStatus(name, { state: 'disconnected' });
    if (wasConnected) log().info(`disconnected from "${name}"`);
  }

  private async closeClient(name: string): Promise<void> {
    const client = this.clients.get(name);
    this.clients.delete(name);
    this.registries.get(name)?.dispose();
    this.registries.delete(name);
    await client?.close();
  }

  /**
   * Checks a connection without keeping it: a saved one by name, or an unsaved profile with its
   * password. Never throws; the result says what happened.
   */
  async test(target: string | { profile: ConnectionProfile; secrets: ConnectionSecrets }): Promise<TestConnectionResult> {
    const started = Date.now();
    const connection = typeof target === 'string' ? target : target.profile.name;
    let client: KafkaClient | undefined;
    try {
      const profile = typeof target === 'string' ? this.profile(target) : target.profile;
      const secrets = typeof target === 'string' ? await this.store.secretsFor(target) : target.secrets;
      client = await this.newClient(profile, secrets);
      const summary = await client.describeCluster();
      const registry = profile.schemaRegistry ? await this.checkRegistry(profile.schemaRegistry, secrets.registryPassword) : undefined;
      return { ok: true, connection, summary, registry };
    } catch (e) {
      return { ok: false, connection, ...failure(e), elapsedMs: Date.now() - started };
    } finally {
      await client?.close();
    }
  }

  private async checkRegistry(registrySettings: SchemaRegistrySettings, password: string | undefined): Promise<RegistryCheck> {
    let registry: SchemaRegistryClient | undefined;
    try {
      registry = await registryClientFor(registrySettings, password, settings.connectionTimeoutMs());
      return { ok: true, url: displayUrl(registrySettings.url), subjects: (await registry.listSubjects()).length };
    } catch (e) {
      return { ok: false, url: displayUrl(registrySettings.url), message: e instanceof Error ? e.message : String(e) };
    } finally {
      registry?.dispose();
    }
  }

  /** A Schema Registry client for a connection that has one configured; undefined otherwise. */
  async registry(name: string): Promise<SchemaRegistryClient | undefined> {
    const profile = this.profile(name);
    if (!profile.schemaRegistry) return undefined;
    let registry = this.registries.get(name);
    if (!registry) {
      registry = await registryClientFor(profile.schemaRegistry, (await this.store.secretsFor(name)).registryPassword, settings.connectionTimeoutMs());
      this.registries.set(name, registry);
    }
    return registry;
  }

  async save(profile: ConnectionProfile, secrets: SecretChanges, replacing?: string): Promise<void> {
    if (replacing) await this.disconnect(replacing);
    await this.disconnect(profile.name);
    await this.store.save(profile, secrets, replacing);
    this.changed.fire(undefined);
  }

  async remove(name: string): Promise<void> {
    await this.disconnect(name);
    this.statuses.delete(name);
    await this.store.remove(name);
    this.changed.fire(undefined);
  }

  /** Called when settings change under our feet: drop clients of connections that are gone. */
  async reconcile(): Promise<void> {
    const names = new Set(this.profiles().map((p) => p.name));
    for (const name of [...this.clients.keys()]) if (!names.has(name)) await this.disconnect(name);
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.health.dispose();
    for (const client of this.clients.values()) void client.close();
    this.clients.clear();
    for (const registry of this.registries.values()) registry.dispose();
    this.registries.clear();
    this.changed.dispose();
  }
}
