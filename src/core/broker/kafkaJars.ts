// The jars that make up an Apache Kafka broker, fetched from a Maven repository and checked against
// pinned sizes and SHA-256 sums (taken by scripts/pin-kafka-jars.ts from files that matched the SHA-1
// Maven Central publishes), plus a finder for the Java runtime that runs them. Layer-1 core: no `vscode`.
//
// The repository URL is a user setting, so the download trusts nothing it is sent: only https (or a
// file:// repository named directly), redirects only from https to https, and never more bytes than
// the pinned size of the jar.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import manifest from './kafka-3.9.1-jars.json';

/** One artifact of the broker's runtime classpath, pinned to its size and hashes. */
export interface PinnedJar {
  groupId: string;
  artifactId: string;
  version: string;
  /** What Maven Central publishes beside the jar (checked by the pin script). */
  sha1: string;
  /** What every download and every jar on disk is checked against. */
  sha256: string;
  /** Bytes; a download that goes past it is stopped at once. */
  size: number;
}

export interface KafkaJarManifest {
  kafkaVersion: string;
  /** The artifacts whose runtime closure the list is. */
  roots: string[];
  jars: PinnedJar[];
}

export const KAFKA_JARS: KafkaJarManifest = manifest;
export const KAFKA_VERSION: string = manifest.kafkaVersion;
export const DEFAULT_MAVEN_REPOSITORY = 'https://repo1.maven.org/maven2';

/** How many downloads run at once. */
const PARALLEL_DOWNLOADS = 4;
/** A connection that stays silent this long is abandoned (then retried). */
const IDLE_TIMEOUT_MS = 30_000;
/** No single jar may take longer than this. */
const JAR_TIMEOUT_MS = 5 * 60_000;
const MAX_REDIRECTS = 5;
const ATTEMPTS = 3;

/** The path of an artifact inside a Maven repository, e.g. org/apache/kafka/kafka_2.13/3.9.1/kafka_2.13-3.9.1.jar. */
export function jarRepositoryPath(jar: Pick<PinnedJar, 'groupId' | 'artifactId' | 'version'>): string {
  return `${jar.groupId.replace(/\./g, '/')}/${jar.artifactId}/${jar.version}/${jar.artifactId}-${jar.version}.jar`;
}

/** The file name a jar gets in the target folder (group id included so two groups can never collide). */
export function jarFileName(jar: Pick<PinnedJar, 'groupId' | 'artifactId' | 'version'>): string {
  return `${jar.groupId}__${jar.artifactId}-${jar.version}.jar`;
}

function coordinates(jar: PinnedJar): string {
  return `${jar.groupId}:${jar.artifactId}:${jar.version}`;
}

/** SHA-256 of a file as lowercase hex, or undefined when it does not exist. */
export async function sha256OfFile(file: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    await pipeline(createReadStream(file), hash);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return hash.digest('hex');
}

export class ChecksumMismatchError extends Error {
  constructor(
    readonly artifact: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `checksum mismatch for ${artifact}: expected ${expected} got ${actual}; ` +
        'the download was corrupted or the repository serves a different file',
    );
    this.name = 'ChecksumMismatchError';
  }
}

export class SizeLimitError extends Error {
  constructor(
    readonly artifact: string,
    readonly limit: number,
  ) {
    super(`${artifact} is larger than its pinned ${limit} bytes; the download was stopped (the repository serves a different file)`);
    this.name = 'SizeLimitError';
  }
}

/** Errors worth another attempt: the network, not the content. */
class TransientError extends Error {}

function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

/**
 * Opens a readable stream for a URL: https:// follows redirects to https:// only and times out when
 * the server stalls; file:// reads the file (only when named directly, never through a redirect).
 * http:// is refused: the jars would be open to tampering on the way.
 */
export async function openUrl(url: string, signal?: AbortSignal, redirects = 0): Promise<NodeJS.ReadableStream> {
  if (signal?.aborted) throw abortError(signal);
  const parsed = new URL(url);
  if (parsed.protocol === 'file:' && redirects === 0) {
    const file = fileURLToPath(parsed);
    const stream = createReadStream(file, { signal });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new Error(`${file} does not exist in the repository`) : err),
      );
    });
    return stream;
  }
  if (parsed.protocol !== 'https:') {
    throw new Error(
      redirects > 0
        ? `Refused a redirect to ${parsed.protocol}//${parsed.host}: downloads follow redirects from https to https only`
        : `Unsupported repository URL ${url}: use https://... or file:///...`,
    );
  }
  return new Promise((resolve, reject) => {
    const req = https.get(url, { signal, headers: { 'user-agent': 'kafka-workbench' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        if (redirects >= MAX_REDIRECTS) {
          reject(new Error(`Too many redirects fetching ${url}`));
          return;
        }
        openUrl(new URL(res.headers.location, url).toString(), signal, redirects + 1).then(resolve, reject);
        return;
      }
      if (status !== 200) {
        res.resume();
        const message = `HTTP ${status} fetching ${url}`;
        reject(status >= 500 || status === 429 ? new TransientError(message) : new Error(message));
        return;
      }
      res.setTimeout(IDLE_TIMEOUT_MS, () =>
        res.destroy(new TransientError(`No data for ${IDLE_TIMEOUT_MS / 1000} s fetching ${url}`)),
      );
      resolve(res);
    });
    req.setTimeout(IDLE_TIMEOUT_MS, () =>
      req.destroy(new TransientError(`No answer for ${IDLE_TIMEOUT_MS / 1000} s from ${parsed.host}`)),
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.name === 'AbortError') reject(abortError(signal));
      else reject(err instanceof TransientError || err.code ? new TransientError(`${err.message} (${url})`) : err);
    });
  });
}

/** Fetches a small text file (such as a published .sha1), refusing more than `maxBytes`. */
export async function fetchText(url: string, signal?: AbortSignal, maxBytes = 64 * 1024): Promise<string> {
  const stream = await openUrl(url, signal);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buffer.length;
    if (total > maxBytes) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw new Error(`${url} is larger than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function downloadJar(repositoryUrl: string, jar: PinnedJar, target: string, signal?: AbortSignal): Promise<void> {
  const url = `${repositoryUrl.replace(/\/+$/, '')}/${jarRepositoryPath(jar)}`;
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(JAR_TIMEOUT_MS);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      const hash = createHash('sha256');
      const source = await openUrl(url, combined);
      let received = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          // Stop a source that sends more than the jar can be (e.g. file:///dev/zero) before it fills the disk.
          if (received > jar.size) {
            callback(new SizeLimitError(coordinates(jar), jar.size));
            return;
          }
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      await pipeline(source, hashing, createWriteStream(temp), { signal: combined });
      const actual = hash.digest('hex');
      if (actual !== jar.sha256.toLowerCase()) throw new ChecksumMismatchError(coordinates(jar), jar.sha256, actual);
      await fsp.rename(temp, target);
      return;
    } catch (err) {
      await fsp.rm(temp, { force: true });
      if (signal?.aborted) throw abortError(signal);
      const transient = err instanceof TransientError || (timeout.aborted && !signal?.aborted);
      if (!transient || attempt >= ATTEMPTS) {
        if (timeout.aborted) throw new Error(`Fetching ${url} took longer than ${JAR_TIMEOUT_MS / 1000} s`);
        throw err;
      }
      await new Promise((r) => setTimeout(r, 1000 * attempt));
    }
  }
}

export interface EnsureKafkaJarsOptions {
  /** Maven repository base URL: https://repo1.maven.org/maven2 (the default) or file:///root/.m2/repository. */
  repositoryUrl: string;
  /** Folder that holds the jars; created when missing. */
  targetDir: string;
  /**
   * Called after each jar that had to be fetched; `total` is how many had to be fetched in this call
   * (jars already present and intact are not counted, so a warm run never calls it).
   */
  onProgress?: (done: number, total: number, artifact: string) => void;
  signal?: AbortSignal;
  /** The jars to fetch; the pinned Kafka manifest when absent. */
  jars?: readonly PinnedJar[];
}

/**
 * Makes sure every pinned jar is in `targetDir` with the right SHA-256, fetching only those that are
 * missing or damaged, and returns the classpath (absolute jar paths, in manifest order).
 */
export async function ensureKafkaJars(opts: EnsureKafkaJarsOptions): Promise<string[]> {
  if (opts.signal?.aborted) throw abortError(opts.signal);
  const jars = opts.jars ?? KAFKA_JARS.jars;
  const targetDir = path.resolve(opts.targetDir);
  await fsp.mkdir(targetDir, { recursive: true });
  const classpath = jars.map((jar) => path.join(targetDir, jarFileName(jar)));

  // Which jars are missing or damaged? (Hashing ~60 MB takes a fraction of a second.)
  const missing: number[] = [];
  await runLimited(jars.length, 8, async (i) => {
    const actual = await sha256OfFile(classpath[i]);
    if (actual === jars[i].sha256.toLowerCase()) return;
    if (actual !== undefined) await fsp.rm(classpath[i], { force: true });
    missing.push(i);
  });
  missing.sort((a, b) => a - b);

  let done = 0;
  await runLimited(missing.length, PARALLEL_DOWNLOADS, async (k) => {
    const i = missing[k];
    await downloadJar(opts.repositoryUrl || DEFAULT_MAVEN_REPOSITORY, jars[i], classpath[i], opts.signal);
    done++;
    opts.onProgress?.(done, missing.length, coordinates(jars[i]));
  });
  return classpath;
}

/**
 * Runs task(0..count-1) with at most `limit` at once. After the first failure no new task starts;
 * the ones running are let finish (so no temp file is left half-written) and the first error is thrown.
 */
async function runLimited(count: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < count) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  if (failure) throw failure.error;
}

// ---------------------------------------------------------------------------------------------
// Java

export interface JavaRuntime {
  /** Absolute path of the java executable (or the bare command name when only PATH resolves it). */
  path: string;
  majorVersion: number;
}

/** The oldest Java that runs Kafka 3.9's broker as configured here. */
export const MIN_JAVA_MAJOR = 17;

export const JAVA_MISSING_MESSAGE =
  'Java 17 or newer is needed to run a local Kafka broker; install it ' +
  '(e.g. apt-get install openjdk-17-jre-headless) or set JAVA_HOME';

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export function parseJavaMajorVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function javaVersionOf(executable: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(executable, ['-version'], { timeout: 15_000, windowsHide: true }, (err, stdout, stderr) => {
      if (err) resolve(undefined);
      else resolve(parseJavaMajorVersion(`${stderr}\n${stdout}`));
    });
  });
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fsp.stat(file);
    return stat.isFile();
  } catch {
    return false;
  }
}

/**
 * Finds a Java runtime: `javaHome` (when given), then $JAVA_HOME, then `java` on PATH. Prefers the
 * first one that is Java 17 or newer; if none is, returns the first one found (the caller decides),
 * and undefined when there is no Java at all.
 */
export async function findJava(javaHome?: string): Promise<JavaRuntime | undefined> {
  const exe = process.platform === 'win32' ? 'java.exe' : 'java';
  const candidates: string[] = [];
  for (const home of [javaHome, process.env.JAVA_HOME]) {
    if (home) candidates.push(path.join(home, 'bin', exe));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, exe));
  }
  let fallback: JavaRuntime | undefined;
  const seen = new Set<string>();
  for (const candidate of candidates) {
    const resolved = path.resolve(candidate);
    if (seen.has(resolved) || !(await isExecutableFile(resolved))) continue;
    seen.add(resolved);
    const majorVersion = await javaVersionOf(resolved);
    if (majorVersion === undefined) continue;
    const runtime = { path: resolved, majorVersion };
    if (majorVersion >= MIN_JAVA_MAJOR) return runtime;
    fallback ??= runtime;
  }
  return fallback;
}
