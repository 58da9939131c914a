import { Kafka, logLevel, type Admin, type KafkaConfig, type SASLOptions, type LogEntry } from 'kafkajs';
import type { ConnectionProfile, ConnectionSecrets } from '../connection/profile';
import { validateBootstrapServers } from '../connection/profile';
import { OAuthTokenSource, oauthRefusalHint } from '../connection/oauth';
import { tlsMaterial } from '../connection/tlsMaterial';
import { KafkaWorkbenchError, explainConnectionError, timeoutError, type ConnectionContext } from './errors';

/** Where the core writes its diagnostics; the host points this at its one log channel. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface ClusterBroker {
  nodeId: number;
  host: string;
  port: number;
  isController: boolean;
}

export interface ClusterSummary {
  clusterId: string;
  controllerId: number | null;
  brokers: ClusterBroker[];
  /** Time for one metadata round trip once connected, in milliseconds. */
  roundTripMs: number;
  /** Time from the first byte sent to the cluster description, including connect and auth. */
  totalMs: number;
}

export interface ClientOptions {
  /** Upper bound for connecting plus one request; past it the operation fails with a clear message. */
  timeoutMs: number;
  logger?: Logger;
}

// --- SASL and TLS: the connection's security settings as kafkajs options (connections stream).
// TLS material (PEM, PKCS12, JKS) comes from ../connection/tlsMaterial, OAUTHBEARER tokens from
// ../connection/oauth; only the kafkajs shapes are made here.

async function saslOptions(
  profile: ConnectionProfile,
  secrets: ConnectionSecrets,
  options: ClientOptions,
): Promise<{ sasl?: SASLOptions; tokens?: OAuthTokenSource }> {
  const { mechanism, username } = profile.sasl;
  if (mechanism === 'none') return {};
  if (mechanism === 'oauthbearer') {
    const oauthSecrets = { clientSecret: secrets.oauthClientSecret, token: secrets.oauthToken };
    const problem = OAuthTokenSource.validate(profile.sasl.oauth, oauthSecrets);
    if (problem) throw new KafkaWorkbenchError(`Connection "${profile.name}": ${problem}`, 'invalid-input');
    const logger = options.logger ?? silentLogger;
    const tokens = new OAuthTokenSource(profile.sasl.oauth!, oauthSecrets, { timeoutMs: options.timeoutMs, log: (m) => logger.info(m) });
    return { sasl: { mechanism: 'oauthbearer', oauthBearerProvider: () => tokens.token() }, tokens };
  }
  if (!username) {
    throw new KafkaWorkbenchError(
      `Connection "${profile.name}" uses SASL ${mechanism.toUpperCase()} but has no user name: set one with "Kafka: Edit Connection".`,
      'invalid-input',
    );
  }
  const password = secrets.saslPassword ?? '';
  return { sasl: { mechanism, username, password } as SASLOptions };
}

// --- end of SASL and TLS

/** Builds the kafkajs configuration; PEM files are read here so a bad path fails before any socket opens. */
async function kafkaConfig(
  profile: ConnectionProfile,
  secrets: ConnectionSecrets,
  options: ClientOptions,
): Promise<{ config: KafkaConfig; tokens?: OAuthTokenSource }> {
  const problem = validateBootstrapServers(profile.bootstrapServers);
  if (problem) throw new KafkaWorkbenchError(problem, 'invalid-input');
  const logger = options.logger ?? silentLogger;
  const ssl = await tlsMaterial(profile, secrets);
  const { sasl, tokens } = await saslOptions(profile, secrets, options);
  const stepMs = Math.max(1000, Math.min(5000, Math.floor(options.timeoutMs / 2)));
  const config: KafkaConfig = {
    clientId: profile.clientId || 'kafka-workbench',
    brokers: [...profile.bootstrapServers],
    ssl,
    sasl,
    connectionTimeout: stepMs,
    authenticationTimeout: stepMs,
    requestTimeout: options.timeoutMs,
    enforceRequestTimeout: true,
    retry: { retries: 2, initialRetryTime: 250, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log }: LogEntry) => {
        const { message, broker } = log;
        const line = `[kafkajs ${namespace}] ${message}${broker ? ` (${broker})` : ''}`;
        // kafkajs logs a coordinator that is still starting (or has moved) as an error on every
        // retry, although it retries and normally succeeds: those are debug, real errors stay errors.
        if (level === logLevel.ERROR && EXPECTED_RETRY.test(`${message} ${String(log.error ?? '')}`)) logger.debug(line);
        else if (level === logLevel.ERROR) logger.error(line);
        else if (level === logLevel.WARN) logger.warn(line);
        else logger.debug(line);
      },
  };
  return { config, tokens };
}

const EXPECTED_RETRY = /^Response (InitProducerId|FindCoordinator|GroupCoordinator|AddPartitionsToTxn|AddOffsetsToTxn|EndTxn|JoinGroup|SyncGroup|Heartbeat|OffsetCommit|OffsetFetch)\b.*(coordinator is not available|not the correct coordinator|coordinator is loading|COORDINATOR_(NOT_AVAILABLE|LOAD_IN_PROGRESS)|NOT_COORDINATOR)/is;

/** Kafka's error name (e.g. UNKNOWN_TOPIC_OR_PARTITION) from a kafkajs error, looking through its wrappers. */
export function kafkaErrorType(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const e = current as { type?: unknown; originalError?: unknown; cause?: unknown };
    if (typeof e.type === 'string') return e.type;
    current = e.originalError ?? e.cause;
  }
  return undefined;
}

/** kafkajs error types that mean its cached metadata is out of date. */
const STALE_METADATA = /^(NOT_LEADER_FOR_PARTITION|LEADER_NOT_AVAILABLE|NOT_LEADER_OR_FOLLOWER)$/;

/** Rejects with the deadline error if `work` has not settled in time; a late rejection is swallowed. */
async function withDeadline<T>(work: Promise<T>, ctx: ConnectionContext): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(ctx)), ctx.timeoutMs);
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One cluster connection: the only place that holds kafkajs objects. Every client it hands out is
 * tracked, so {@link close} really closes everything that talks to the cluster.
 */
/** A request kafkajs has no API for, in kafkajs' own request/response shape (see adminProtocol.ts). */
export interface RawProtocolRequest {
  request: { apiKey: number; apiVersion: number; apiName: string; encode: () => Promise<unknown> };
  response: { decode: (raw: Buffer) => Promise<unknown>; parse: (data: unknown) => Promise<unknown> };
}

/** The parts of kafkajs' internal Cluster and Broker that a raw request needs. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findControllerBroker(): Promise<InternalBroker>;
}
interface InternalBroker {
  connectionPool: { send(request: RawProtocolRequest): Promise<unknown> };
}

export class KafkaClient {
  private rawCluster: Promise<InternalCluster> | undefined;
  private admin: Admin | undefined;
  private adminConnecting: Promise<Admin> | undefined;
  private readonly closers = new Set<() => Promise<void>>();
  private adminCloser: () => Promise<void> = async () => undefined;
  private closed = false;

  private constructor(
    private readonly kafka: Kafka,
    private readonly ctx: ConnectionContext,
    private readonly logger: Logger,
  ) {}

  static async create(profile: ConnectionProfile, secrets: ConnectionSecrets, options: ClientOptions): Promise<KafkaClient> {
    const ctx: ConnectionContext = {
      servers: profile.bootstrapServers,
      tls: profile.tls.enabled,
      saslMechanism: profile.sasl.mechanism,
      timeoutMs: options.timeoutMs,
    };
    const { config, tokens } = await kafkaConfig(profile, secrets, options);
    if (tokens) ctx.authHint = () => oauthRefusalHint(tokens, 2 * options.timeoutMs);
    return new KafkaClient(new Kafka(config), ctx, options.logger ?? silentLogger);
  }

  /** Runs one cluster operation with the deadline and error translation every caller needs. */
  private async run<T>(what: string, work: () => Promise<T>, translate?: (error: unknown) => unknown): Promise<T> {
    if (this.closed) throw new KafkaWorkbenchError(`Cannot ${what}: the connection was closed. Connect again.`, 'other');
    try {
      return await withDeadline(work(), this.ctx);
    } catch (e) {
      const explained = explainConnectionError(translate?.(e) ?? e, this.ctx);
      this.logger.warn(`${what} failed: ${explained.message}${explained.detail ? ` [${explained.detail}]` : ''}`);
      throw explained;
    }
  }

  /**
   * For the feature modules beside this file (topics, groups, producer, consumer) only: one admin
   * operation under this connection's deadline and error translation. `translate` sees kafkajs' own
   * error after the retries and may return a {@link KafkaWorkbenchError} that says it better.
   */
  withAdmin<T>(what: string, work: (admin: Admin) => Promise<T>, translate?: (error: unknown) => unknown): Promise<T> {
    // Possibly a write (create a topic, reset offsets): a read asked after it must not join one started before it.
    return this.run(what, () => this.withFreshMetadataRetries(what, work).finally(() => this.inFlightReads.clear()), translate);
  }

  /**
   * A read the tree and the health poll repeat (list topics, list groups, describe a group): while
   * one with the same description is still running, a caller joins it instead of sending another.
   * During an outage each caller still gets its time-out, but the admin requests behind them do not
   * pile up one per refresh: kafkajs keeps retrying a request long after its caller gave up.
   */
  withAdminShared<T>(what: string, work: (admin: Admin) => Promise<T>): Promise<T> {
    return this.run(what, () => this.sharedRead(what, () => this.withFreshMetadataRetries(what, work)));
  }

  /** How many shared reads are running (each possibly joined by several callers). */
  get sharedReadsInFlight(): number {
    return this.inFlightReads.size;
  }

  /** How many shared reads were started (not joined) since the client was created. */
  sharedReadsStarted = 0;

  private readonly inFlightReads = new Map<string, { read: Promise<unknown>; at: number }>();

  private sharedRead<T>(key: string, start: () => Promise<T>): Promise<T> {
    const running = this.inFlightReads.get(key);
    // One stuck for over a minute is not joined: a fresh read may get through once the cluster is back.
    if (running && Date.now() - running.at < 60_000) return running.read as Promise<T>;
    const read = start();
    this.sharedReadsStarted++;
    this.inFlightReads.set(key, { read, at: Date.now() });
    const forget = () => {
      if (this.inFlightReads.get(key)?.read === read) this.inFlightReads.delete(key);
    };
    read.then(forget, forget);
    return read;
  }

  private async withFreshMetadataRetries<T>(what: string, work: (admin: Admin) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work(await this.connectedAdmin());
      } catch (e) {
        // kafkajs caches metadata for minutes and does not refresh it on a leader error: after
        // partitions are created, added or moved (by us or anyone), start over with a fresh admin.
        // A partition created a moment ago may also still be taking up its leadership. And an admin
        // keeps refreshing every topic it ever touched, so one deleted elsewhere fails all later
        // calls with UNKNOWN_TOPIC_OR_PARTITION: that gets one fresh try.
        const type = kafkaErrorType(e);
        const retries = type && STALE_METADATA.test(type) ? 3 : type === 'UNKNOWN_TOPIC_OR_PARTITION' ? 1 : 0;
        if (attempt > retries) throw e;
        this.logger.debug(`${what}: ${String((e as Error).message)}; retrying with fresh metadata`);
        await this.dropAdmin();
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    this.adminConnecting = undefined;
    if (admin) {
      this.closers.delete(this.adminCloser);
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** For the feature modules beside this file: the kafkajs instance that producers and consumers come from. */
  get kafkajs(): Kafka {
    if (this.closed) throw new KafkaWorkbenchError('The connection was closed. Connect again.', 'other');
    return this.kafka;
  }

  /** The connection's deadline for one operation, in milliseconds. */
  get timeoutMs(): number {
    return this.ctx.timeoutMs;
  }

  /** Translates any error from this cluster into a message that says what to do. */
  explain(error: unknown): KafkaWorkbenchError {
    return explainConnectionError(error, this.ctx);
  }

  /**
   * Registers something that talks to the cluster (a producer, a consumer) so that {@link close}
   * closes it too. Returns a function that unregisters it, for clients closed on their own.
   */
  track(close: () => Promise<void>): () => void {
    this.closers.add(close);
    return () => this.closers.delete(close);
  }

  private connectedAdmin(): Promise<Admin> {
    if (this.admin) return Promise.resolve(this.admin);
    if (!this.adminConnecting) {
      const admin = this.kafka.admin({ retry: { retries: 2, initialRetryTime: 250, maxRetryTime: 2000 } });
      this.adminConnecting = admin.connect().then(
        () => {
          this.admin = admin;
          this.adminCloser = () => admin.disconnect();
          this.closers.add(this.adminCloser);
          return admin;
        },
        async (e: unknown) => {
          this.adminConnecting = undefined;
          await admin.disconnect().catch(() => undefined);
          throw e;
        },
      );
    }
    return this.adminConnecting;
  }

  /**
   * For adminProtocol.ts only: sends one request kafkajs 2.2.4 has no admin API for (ElectLeaders,
   * DescribeQuorum) over a connection of kafkajs' own Cluster, so TLS, SASL and the timeouts are
   * exactly the profile's. The Cluster is kafkajs-internal (reached through the Kafka instance's
   * private factory), which is why this lives here and nowhere else. The request goes to the
   * broker the metadata names as controller; in KRaft any broker forwards it to the active one.
   */
  sendToController<T>(what: string, request: RawProtocolRequest, translate?: (error: unknown) => unknown): Promise<T> {
    return this.run(
      what,
      async () => {
        try {
          const cluster = await this.internalCluster();
          await cluster.refreshMetadata();
          const broker = await cluster.findControllerBroker();
          return (await broker.connectionPool.send(request)) as T;
        } catch (e) {
          // A dead broker or stale metadata: the next call starts from a fresh cluster.
          const dropped = this.rawCluster;
          this.rawCluster = undefined;
          void dropped?.then((c) => c.disconnect()).catch(() => undefined);
          throw e;
        }
      },
      translate,
    );
  }

  private internalCluster(): Promise<InternalCluster> {
    if (!this.rawCluster) {
      const factory = Object.getOwnPropertySymbols(this.kafka).find((s) => s.description === 'private:Kafka:createCluster');
      if (!factory) throw new KafkaWorkbenchError('This kafkajs version does not expose its cluster factory; raw admin requests are unavailable.', 'other');
      const create = (this.kafka as unknown as Record<symbol, (o: object) => InternalCluster>)[factory];
      const cluster = create({ allowAutoTopicCreation: false });
      this.rawCluster = cluster.connect().then(
        () => {
          this.closers.add(() => cluster.disconnect());
          return cluster;
        },
        async (e: unknown) => {
          this.rawCluster = undefined;
          await cluster.disconnect().catch(() => undefined);
          throw e;
        },
      );
    }
    return this.rawCluster;
  }

  /** Connects (if needed) and describes the cluster: id, controller, brokers, round-trip time. */
  describeCluster(): Promise<ClusterSummary> {
    return this.run('describe the cluster', () => this.sharedRead('describe the cluster', async () => {
      const started = performance.now();
      const admin = await this.connectedAdmin();
      const before = performance.now();
      const cluster = await admin.describeCluster();
      const after = performance.now();
      return {
        clusterId: cluster.clusterId,
        controllerId: cluster.controller,
        brokers: cluster.brokers
          .map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, isController: b.nodeId === cluster.controller }))
          .sort((a, b) => a.nodeId - b.nodeId),
        roundTripMs: Math.round((after - before) * 10) / 10,
        totalMs: Math.round(after - started),
      };
    }));
  }

  /** Closes every client of this connection (admin, producers, consumers). Safe to call twice. */
  async close(): Promise<void> {
    this.closed = true;
    const closers = [...this.closers];
    this.closers.clear();
    const pending = this.adminConnecting;
    this.adminConnecting = undefined;
    this.admin = undefined;
    await Promise.all(closers.map((close) => close().catch((e: unknown) => this.logger.warn(`closing a client failed: ${String(e)}`))));
    // A connect still in flight is not awaited (it is bounded by kafkajs' own retries); it is closed when it lands.
    if (pending) void pending.then((a) => a.disconnect()).catch(() => undefined);
  }
}
