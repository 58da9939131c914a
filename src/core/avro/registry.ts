// A client for the Confluent Schema Registry REST API (also served by Karapace, Apicurio's
// /apis/ccompat/v7, Redpanda), on Node's http/https only.
import * as http from 'node:http';
import * as https from 'node:https';
import { readFile } from 'node:fs/promises';

export interface SchemaRegistryOptions {
  /** Base URL, e.g. `http://localhost:8081` or `https://host/apis/ccompat/v7`. */
  url: string;
  basicAuth?: { username: string; password: string };
  tls?: {
    /** PEM of the CA(s) to trust instead of Node's bundled ones. */
    ca?: string | Buffer;
    /** PEM client certificate and key, for registries that require mutual TLS. */
    cert?: string | Buffer;
    key?: string | Buffer;
    /** false accepts any certificate (a self-signed test registry); default true. */
    verifyHostname?: boolean;
  };
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /**
   * Schema-by-id lookups, which run inside a consumer's batch: default the smaller of `timeoutMs`
   * and {@link REGISTRY_LOOKUP_TIMEOUT_MS}, so a hanging registry fails the record's decoding
   * before the consumer's session times out (a stalled batch would cost the group a rebalance).
   */
  lookupTimeoutMs?: number;
  /** Requests in flight at once; more wait their turn (inside their own time-out). Default 4. */
  maxConcurrent?: number;
  /** A larger response body is cut off and refused. Default 8 MiB (Confluent's own schema limit is lower). */
  maxResponseBytes?: number;
  /** How long a failed lookup by id (and an unreachable registry) is remembered before asking again. Default 3 s. */
  failureTtlMs?: number;
}

/** Lookups by id give up after this long: well below the consumer's 10 s session time-out (CONSUMER_SESSION_TIMEOUT_MS). */
export const REGISTRY_LOOKUP_TIMEOUT_MS = 4_000;
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * The URL without a user or password embedded in it (`https://user:secret@host/` → `https://host/`),
 * for everything shown: the tree, errors, logs. Text that is not a URL comes back unchanged.
 */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // Not parseable as a URL: still never show what sits between "//" and "@".
    return url.replace(/\/\/[^/@\s]*@/, '//');
  }
}

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

/** A schema's dependency on another subject's version (a Protobuf import, a JSON Schema $ref). */
export interface SchemaReference {
  /** How the schema names it: the import path, or the $ref URL. */
  name: string;
  subject: string;
  version: number;
}

export interface RegistrySchema {
  id: number;
  /** The schema as a string (for Avro, JSON text). */
  schema: string;
  schemaType: SchemaType;
  /** Other subjects' versions the schema imports (Protobuf, JSON Schema); absent when none. */
  references?: SchemaReference[];
}

export interface SubjectVersion extends RegistrySchema {
  subject: string;
  version: number;
}

export interface CompatibilityResult {
  compatible: boolean;
  /** The registry's reasons when it gives them (verbose mode). */
  messages: string[];
}

export type CompatibilityLevel = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

export type RegistryFailure = 'unreachable' | 'timeout' | 'tls' | 'unauthorized' | 'forbidden' | 'not-found' | 'incompatible' | 'invalid-schema' | 'bad-response' | 'other';

export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    readonly failure: RegistryFailure,
    /** HTTP status, when the registry answered. */
    readonly status?: number,
    /** The registry's own error_code, e.g. 40403 (schema not found), 409 (incompatible). */
    readonly errorCode?: number,
    /** The registry's own message, quoted in `message`. */
    readonly registryMessage?: string,
  ) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

export type SubjectNameStrategy = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';

/**
 * The subject a schema is registered under, as Confluent's serializers name it:
 * `<topic>-value` / `<topic>-key`, `<record full name>`, or `<topic>-<record full name>`.
 */
export function subjectName(strategy: SubjectNameStrategy, topic: string, isKey: boolean, recordName?: string): string {
  if (strategy === 'TopicNameStrategy') return `${topic}-${isKey ? 'key' : 'value'}`;
  if (!recordName) throw new Error(`${strategy} needs a named schema (record, enum or fixed); this schema has no name`);
  return strategy === 'RecordNameStrategy' ? recordName : `${topic}-${recordName}`;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export class SchemaRegistryClient {
  private readonly base: URL;
  private readonly byId = new Map<number, Promise<RegistrySchema>>();
  private readonly agent: http.Agent;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Set while lookups by id fail fast: the registry timed out or was unreachable moments ago. */
  private down: { until: number; error: SchemaRegistryError } | undefined;

  constructor(private readonly options: SchemaRegistryOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new SchemaRegistryError(`Schema Registry URL "${options.url}" is not a URL (expected e.g. http://localhost:8081)`, 'other');
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new SchemaRegistryError(`Schema Registry URL "${options.url}" must start with http:// or https://`, 'other');
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
    this.agent =
      base.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            ca: options.tls?.ca,
            cert: options.tls?.cert,
            key: options.tls?.key,
            rejectUnauthorized: options.tls?.verifyHostname !== false,
          })
        : new http.Agent({ keepAlive: true });
  }

  /** The registry's URL as shown to the user (without credentials embedded in it). */
  get url(): string {
    return displayUrl(this.options.url);
  }

  /** Closes kept-alive sockets. */
  dispose(): void {
    this.agent.destroy();
  }

  /**
   * The schema with a global id; cached for the client's life (ids are immutable). A failure is
   * remembered for `failureTtlMs` so a batch of records naming a missing id, or a registry that is
   * down, costs one request rather than one per record; a registry that timed out or could not be
   * reached fails every lookup at once for that long.
   */
  getSchemaById(id: number): Promise<RegistrySchema> {
    let cached = this.byId.get(id);
    if (!cached) {
      const ttl = this.options.failureTtlMs ?? 3_000;
      const down = this.down && this.down.until > Date.now() ? this.down.error : undefined;
      cached = down
        ? Promise.reject(down)
        : this.request<{ schema: string; schemaType?: SchemaType; references?: SchemaReference[] }>('GET', `schemas/ids/${id}`, undefined, {
            notFound: (m) => `Schema id ${id} is not in the Schema Registry at ${this.url}: ${m}`,
            timeoutMs: this.options.lookupTimeoutMs ?? Math.min(this.options.timeoutMs ?? 10_000, REGISTRY_LOOKUP_TIMEOUT_MS),
          }).then((raw) => {
            const r = obj(raw);
            return { id, schema: str(r.schema, 'schema'), schemaType: schemaTypeOf(r.schemaType), ...refs(r.references) };
          });
      this.byId.set(id, cached);
      const entry = cached;
      cached.catch((e: unknown) => {
        if (!down && e instanceof SchemaRegistryError && (e.failure === 'timeout' || e.failure === 'unreachable')) this.down = { until: Date.now() + ttl, error: e };
        setTimeout(() => this.byId.get(id) === entry && this.byId.delete(id), ttl).unref();
      });
    }
    return cached;
  }

  async listSubjects(): Promise<string[]> {
    return list(await this.request<unknown>('GET', 'subjects'), 'subjects', 'string');
  }

  async listVersions(subject: string): Promise<number[]> {
    const versions = await this.request<unknown>('GET', `subjects/${enc(subject)}/versions`, undefined, {
      notFound: (m) => `Subject "${subject}" is not in the Schema Registry: ${m}`,
    });
    return list(versions, 'versions', 'number');
  }

  async getVersion(subject: string, version: number | 'latest' = 'latest'): Promise<SubjectVersion> {
    const r = obj(await this.request<{ subject: string; id: number; version: number; schema: string; schemaType?: SchemaType; references?: SchemaReference[] }>(
      'GET',
      `subjects/${enc(subject)}/versions/${version}`,
      undefined,
      { notFound: (m) => `Version ${version} of subject "${subject}" is not in the Schema Registry: ${m}` },
    ));
    const found: SubjectVersion = { subject: typeof r.subject === 'string' ? r.subject : subject, id: int(r.id, 'id'), version: int(r.version, 'version'), schema: str(r.schema, 'schema'), schemaType: schemaTypeOf(r.schemaType), ...refs(r.references) };
    if (!this.byId.has(found.id)) this.byId.set(found.id, Promise.resolve({ id: found.id, schema: found.schema, schemaType: found.schemaType, ...refs(found.references) }));
    return found;
  }

  /**
   * Registers a schema under a subject (a no-op returning the existing id when it is already there).
   * @throws SchemaRegistryError with failure 'incompatible' (HTTP 409) quoting the registry's reason.
   */
  async register(subject: string, schema: string, schemaType: SchemaType = 'AVRO', references?: SchemaReference[]): Promise<number> {
    const r = obj(await this.request<{ id: number }>('POST', `subjects/${enc(subject)}/versions`, body(schema, schemaType, references), {
      conflict: (m) => `The Schema Registry refused the schema for subject "${subject}" as incompatible with its existing versions: ${m}`,
    }));
    return int(r.id, 'id');
  }

  /** The subject's version holding exactly this schema, or undefined when it is not registered there. */
  async lookup(subject: string, schema: string, schemaType: SchemaType = 'AVRO', references?: SchemaReference[]): Promise<SubjectVersion | undefined> {
    try {
      const r = obj(
        await this.request<{ subject: string; id: number; version: number; schema: string; schemaType?: SchemaType }>('POST', `subjects/${enc(subject)}`, body(schema, schemaType, references)),
      );
      const found = typeof r.schema === 'string' ? r.schema : schema;
      return { subject: typeof r.subject === 'string' ? r.subject : subject, id: int(r.id, 'id'), version: int(r.version, 'version'), schema: found, schemaType: r.schemaType === undefined ? schemaType : schemaTypeOf(r.schemaType) };
    } catch (err) {
      if (err instanceof SchemaRegistryError && err.failure === 'not-found') return undefined;
      throw err;
    }
  }

  /**
   * Whether the registry would accept the schema as the subject's next version. A subject that
   * does not exist yet accepts anything.
   */
  async checkCompatibility(subject: string, schema: string, version: number | 'latest' = 'latest', schemaType: SchemaType = 'AVRO', references?: SchemaReference[]): Promise<CompatibilityResult> {
    try {
      const r = obj(
        await this.request<{ is_compatible: boolean; messages?: string[] }>('POST', `compatibility/subjects/${enc(subject)}/versions/${version}?verbose=true`, body(schema, schemaType, references)),
      );
      if (typeof r.is_compatible !== 'boolean') throw new SchemaRegistryError('The Schema Registry answered the compatibility check without "is_compatible".', 'bad-response');
      return { compatible: r.is_compatible, messages: Array.isArray(r.messages) ? r.messages.map(String) : [] };
    } catch (err) {
      if (err instanceof SchemaRegistryError && err.failure === 'not-found' && (err.errorCode === 40401 || err.errorCode === 40402)) {
        return { compatible: true, messages: [] };
      }
      if (err instanceof SchemaRegistryError && err.failure === 'incompatible') {
        return { compatible: false, messages: err.registryMessage ? [err.registryMessage] : [] };
      }
      throw err;
    }
  }

  /** The compatibility level of a subject (falling back to the global one), or the global level. */
  async getCompatibility(subject?: string): Promise<CompatibilityLevel> {
    const path = subject ? `config/${enc(subject)}?defaultToGlobal=true` : 'config';
    const r = obj(await this.request<{ compatibilityLevel?: CompatibilityLevel; compatibility?: CompatibilityLevel }>('GET', path));
    return (r.compatibilityLevel ?? r.compatibility) as CompatibilityLevel;
  }

  async setCompatibility(level: CompatibilityLevel, subject?: string): Promise<void> {
    await this.request('PUT', subject ? `config/${enc(subject)}` : 'config', JSON.stringify({ compatibility: level }));
  }

  /**
   * The text of every schema the references name, followed transitively (a Protobuf import of an
   * import), by reference name: what a parser needs to resolve the schema's imports.
   */
  async referencedSchemas(references: SchemaReference[] | undefined): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const visit = async (list: SchemaReference[] | undefined, depth: number): Promise<void> => {
      if (!list?.length) return;
      if (depth > 32) throw new SchemaRegistryError(`Schema references nest deeper than 32 levels in the Schema Registry at ${this.url} (a cycle?)`, 'bad-response');
      for (const ref of list) {
        if (out.has(ref.name)) continue;
        const v = await this.getVersion(ref.subject, ref.version);
        out.set(ref.name, v.schema);
        await visit(v.references, depth + 1);
      }
    };
    await visit(references, 0);
    return out;
  }

  /** Deletes a subject (soft delete, as the registry defines it); returns the versions deleted. */
  deleteSubject(subject: string): Promise<number[]> {
    return this.request<number[]>('DELETE', `subjects/${enc(subject)}`);
  }

  private request<T>(
    method: string,
    path: string,
    payload?: string,
    phrasing: { notFound?: (m: string) => string; conflict?: (m: string) => string; timeoutMs?: number } = {},
  ): Promise<T> {
    const timeoutMs = phrasing.timeoutMs ?? this.options.timeoutMs ?? 10_000;
    // The time-out counts from the call, so a request waiting for a free slot gives up in time too.
    const deadline = Date.now() + timeoutMs;
    return this.withSlot(deadline, timeoutMs, () => this.send<T>(method, path, payload, phrasing, deadline, timeoutMs));
  }

  /** At most `maxConcurrent` requests in flight: a flood of lookups cannot open a socket per record. */
  private async withSlot<T>(deadline: number, timeoutMs: number, run: () => Promise<T>): Promise<T> {
    if (this.active >= (this.options.maxConcurrent ?? 4)) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(wake), 1);
          reject(new SchemaRegistryError(`Schema Registry at ${this.url} did not answer within ${Math.round(timeoutMs / 1000)} s (requests were queued behind others).`, 'timeout'));
        }, Math.max(0, deadline - Date.now()));
        this.waiting.push(wake);
      });
      // Woken at (timers round to the ms) or just before the deadline: give the slot to the next in line rather than send a request already late.
      if (deadline - Date.now() < 50) {
        this.waiting.shift()?.();
        throw new SchemaRegistryError(`Schema Registry at ${this.url} did not answer within ${Math.round(timeoutMs / 1000)} s (requests were queued behind others).`, 'timeout');
      }
    }
    this.active++;
    try {
      return await run();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private send<T>(
    method: string,
    path: string,
    payload: string | undefined,
    phrasing: { notFound?: (m: string) => string; conflict?: (m: string) => string },
    deadline: number,
    timeoutMs: number,
  ): Promise<T> {
    const url = new URL(path, this.base);
    const maxBytes = this.options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const headers: Record<string, string> = { Accept: `${CONTENT_TYPE}, application/json` };
    if (payload !== undefined) {
      headers['Content-Type'] = CONTENT_TYPE;
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    if (this.options.basicAuth) {
      const { username, password } = this.options.basicAuth;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const where = `Schema Registry at ${this.url}`;
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise<T>((resolve, reject) => {
      const req = lib.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        const tooLarge = () => {
          reject(new SchemaRegistryError(`${where} answered ${method} ${url.pathname} with more than ${mib(maxBytes)}: refused (is this URL a Schema Registry?).`, 'bad-response', res.statusCode));
          req.destroy();
        };
        if (Number(res.headers['content-length']) > maxBytes) return tooLarge();
        res.on('data', (c: Buffer) => {
          received += c.length;
          if (received > maxBytes) tooLarge();
          else chunks.push(c);
        });
        res.on('error', (err) => reject(networkError(err, where, timeoutMs)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          if (status >= 200 && status < 300) {
            if (parsed === undefined && text) {
              reject(new SchemaRegistryError(`${where} answered ${method} ${url.pathname} with something that is not JSON: ${snippet(text)}. Is this URL a Schema Registry?`, 'bad-response', status));
            } else resolve(parsed as T);
            return;
          }
          reject(httpError(status, parsed, text, where, phrasing));
        });
      });
      // A whole-request deadline: a registry that trickles a byte now and then must not hold a batch.
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT_REQUEST' })), Math.max(1, deadline - Date.now()));
      req.on('close', () => clearTimeout(timer));
      req.on('error', (err) => reject(networkError(err, where, timeoutMs)));
      req.end(payload);
    });
  }
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${bytes} bytes`;
}

/** A field the registry must send as a string: anything else is a bad response, said plainly. */
function str(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new SchemaRegistryError(`The Schema Registry answered without a "${field}" string (got ${value === null ? 'null' : typeof value}).`, 'bad-response');
  return value;
}

function enc(subject: string): string {
  return encodeURIComponent(subject);
}

function body(schema: string, schemaType: SchemaType, references?: SchemaReference[]): string {
  // Confluent's API treats a missing schemaType as AVRO; some registries reject an explicit AVRO less
  // often than a missing one, so only non-Avro types are named.
  const withRefs = references?.length ? { references } : {};
  return JSON.stringify(schemaType === 'AVRO' ? { schema, ...withRefs } : { schema, schemaType, ...withRefs });
}

function refs(references: SchemaReference[] | undefined): { references?: SchemaReference[] } {
  if (!Array.isArray(references) || references.length === 0) return {};
  return { references: references.map((r: Partial<SchemaReference> | null) => ({ name: str(r?.name, 'references[].name'), subject: str(r?.subject, 'references[].subject'), version: int(r?.version, 'references[].version') })) };
}

/** The registry's answer as an object to read fields from; a bare value, array or null is a bad response. */
function obj<T extends object>(value: T | null | undefined): Partial<T> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SchemaRegistryError(`The Schema Registry answered with ${Array.isArray(value) ? 'a list' : JSON.stringify(value)?.slice(0, 40) ?? 'nothing'} where an object was expected.`, 'bad-response');
  return value;
}

function schemaTypeOf(value: unknown): SchemaType {
  if (value === undefined || value === null) return 'AVRO';
  if (value === 'AVRO' || value === 'JSON' || value === 'PROTOBUF') return value;
  throw new SchemaRegistryError(`The Schema Registry answered with an unknown schema type ${JSON.stringify(value).slice(0, 40)}.`, 'bad-response');
}

function int(value: unknown, field: string): number {
  if (!Number.isSafeInteger(value)) throw new SchemaRegistryError(`The Schema Registry answered without a whole number "${field}" (got ${JSON.stringify(value)?.slice(0, 40) ?? 'nothing'}).`, 'bad-response');
  return value as number;
}

function list<K extends 'string' | 'number'>(value: unknown, what: string, kind: K): (K extends 'string' ? string : number)[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== kind)) throw new SchemaRegistryError(`The Schema Registry answered with ${what} that are not a list of ${kind}s.`, 'bad-response');
  return value as (K extends 'string' ? string : number)[];
}

function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > 200 ? `${oneLine.slice(0, 200)}...` : oneLine);
}

function httpError(
  status: number,
  parsed: unknown,
  text: string,
  where: string,
  phrasing: { notFound?: (m: string) => string; conflict?: (m: string) => string },
): SchemaRegistryError {
  const obj = parsed && typeof parsed === 'object' ? (parsed as { error_code?: unknown; message?: unknown }) : {};
  const errorCode = typeof obj.error_code === 'number' ? obj.error_code : undefined;
  const registryMessage = typeof obj.message === 'string' ? obj.message : text ? snippet(text) : `HTTP ${status}`;
  const quoted = `${registryMessage} (HTTP ${status}${errorCode !== undefined && errorCode !== status ? `, error code ${errorCode}` : ''})`;
  const make = (message: string, failure: RegistryFailure) => new SchemaRegistryError(message, failure, status, errorCode, registryMessage);
  switch (status) {
    case 401:
      return make(`${where} rejected the credentials: ${quoted}. Check the registry username and password.`, 'unauthorized');
    case 403:
      return make(`${where} refused access: ${quoted}. The registry user lacks permission for this.`, 'forbidden');
    case 404:
      return make(phrasing.notFound ? phrasing.notFound(quoted) : `${where}: not found: ${quoted}`, 'not-found');
    case 409:
      return make(phrasing.conflict ? phrasing.conflict(quoted) : `${where}: conflict: ${quoted}`, 'incompatible');
    case 422:
      return make(`${where} rejected the request as invalid: ${quoted}`, errorCode === 42201 ? 'invalid-schema' : 'other');
    default:
      return make(`${where} failed: ${quoted}`, parsed === undefined && text ? 'bad-response' : 'other');
  }
}

function networkError(err: Error & { code?: string }, where: string, timeoutMs: number): SchemaRegistryError {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return new SchemaRegistryError(`${where} is not reachable: nothing is listening there (connection refused). Is the registry running, and is the URL right?`, 'unreachable');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new SchemaRegistryError(`${where} is not reachable: the host name does not resolve (${code}). Check the URL.`, 'unreachable');
  if (code === 'ETIMEDOUT_REQUEST' || code === 'ETIMEDOUT') return new SchemaRegistryError(`${where} did not answer within ${Math.round(timeoutMs / 1000)} s.`, 'timeout');
  if (code === 'ECONNRESET' || code === 'EPIPE') return new SchemaRegistryError(`${where} closed the connection (${code}). If the registry uses TLS, the URL must start with https://.`, 'unreachable');
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code) || /ssl|tls|certificate/i.test(err.message)) {
    return new SchemaRegistryError(`${where}: TLS failed: ${err.message}${code ? ` (${code})` : ''}. Set the registry's CA certificate, or check that the URL's scheme matches the server.`, 'tls');
  }
  return new SchemaRegistryError(`${where}: request failed: ${err.message}${code ? ` (${code})` : ''}`, 'other');
}

/**
 * A client for a connection's registry settings: reads the CA file and combines the user name with
 * the password from secret storage. A CA file that cannot be read is reported by its path.
 */
export async function registryClientFor(
  settings: { url: string; username?: string; caFile?: string },
  password: string | undefined,
  timeoutMs: number,
): Promise<SchemaRegistryClient> {
  let ca: string | undefined;
  if (settings.caFile) {
    try {
      ca = await readFile(settings.caFile, 'utf8');
    } catch (e) {
      throw new SchemaRegistryError(`Cannot read the registry CA file ${settings.caFile}: ${(e as Error).message}`, 'other');
    }
  }
  return new SchemaRegistryClient({
    url: settings.url,
    basicAuth: settings.username ? { username: settings.username, password: password ?? '' } : undefined,
    tls: ca ? { ca } : undefined,
    timeoutMs,
  });
}

/**
 * A cache of what is built from a registry schema (parsed, compiled), one promise per client and
 * schema id, shared by every record naming that id. A failed build is forgotten, so a later record
 * asks the registry again (it may have been down).
 */
export function schemaIdCache<T>(): (registry: SchemaRegistryClient, id: number, build: () => Promise<T>) => Promise<T> {
  const perClient = new WeakMap<SchemaRegistryClient, Map<number, Promise<T>>>();
  return (registry, id, build) => {
    let byId = perClient.get(registry);
    if (!byId) perClient.set(registry, (byId = new Map()));
    let found = byId.get(id);
    if (!found) {
      found = build();
      byId.set(id, found);
      const cache = byId;
      found.catch(() => cache.delete(id));
    }
    return found;
  };
}
