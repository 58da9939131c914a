// Regenerates src/core/broker/kafka-<version>-jars.json: the runtime closure of the Kafka broker (and
// kafka-tools, for ProducerPerformance/ConsumerPerformance) plus a reload4j logging backend. Each jar
// is downloaded and checked against the SHA-1 Maven Central publishes beside it; its size and SHA-256
// are then pinned (what the extension checks every download against, with the size as a hard limit).
//
//   node scripts/build.mjs && node out/scripts/pin-kafka-jars.js [--kafka 3.9.1]
//
// Needs `mvn` (it resolves the dependency tree, exactly as Kafka's own Gradle build publishes it).
// Not part of the normal build: run it only when changing the Kafka version.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_MAVEN_REPOSITORY, fetchText, jarRepositoryPath, openUrl, type PinnedJar } from '../src/core/broker/kafkaJars';

const args = process.argv.slice(2);
const kafkaVersion = args.includes('--kafka') ? args[args.indexOf('--kafka') + 1] : '3.9.1';
const roots = [
  `org.apache.kafka:kafka_2.13:${kafkaVersion}`,
  `org.apache.kafka:kafka-tools:${kafkaVersion}`,
  'org.slf4j:slf4j-reload4j:1.7.36',
  'ch.qos.reload4j:reload4j:1.2.25',
];

function pom(): string {
  const deps = roots
    .map((r) => r.split(':'))
    .map(([g, a, v]) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`)
    .join('\n');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>kafka-jars</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
${deps}
  </dependencies>
</project>
`;
}

async function fetchBytes(url: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openUrl(url)) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pin-kafka-jars-'));
  try {
    writeFileSync(join(work, 'pom.xml'), pom());
    execFileSync('mvn', ['-q', '-B', 'dependency:list', '-DincludeScope=runtime', '-DoutputFile=deps.txt'], {
      cwd: work,
      stdio: 'inherit',
    });
    const coords = readFileSync(join(work, 'deps.txt'), 'utf8')
      .split('\n')
      .map((l) => l.trim().split(/\s/)[0])
      .filter((l) => /^[^:\s]+:[^:\s]+:jar:[^:\s]+:(compile|runtime)$/.test(l))
      .map((l) => l.split(':'))
      .map(([groupId, artifactId, , version]) => ({ groupId, artifactId, version }))
      .sort((a, b) => `${a.groupId}:${a.artifactId}`.localeCompare(`${b.groupId}:${b.artifactId}`));
    if (coords.length === 0) throw new Error('mvn dependency:list listed no jars');

    const jars: PinnedJar[] = [];
    for (const c of coords) {
      const text = await fetchText(`${DEFAULT_MAVEN_REPOSITORY}/${jarRepositoryPath(c)}.sha1`);
      const sha1 = /[0-9a-f]{40}/i.exec(text)?.[0]?.toLowerCase();
      if (!sha1) throw new Error(`No SHA-1 in ${jarRepositoryPath(c)}.sha1: ${text.slice(0, 80)}`);
      const bytes = await fetchBytes(`${DEFAULT_MAVEN_REPOSITORY}/${jarRepositoryPath(c)}`);
      const actual = createHash('sha1').update(bytes).digest('hex');
      if (actual !== sha1) throw new Error(`${jarRepositoryPath(c)}: SHA-1 ${actual} differs from the published ${sha1}`);
      jars.push({ ...c, sha1, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
      process.stdout.write('.');
    }
    process.stdout.write('\n');
    const out = resolve('src/core/broker', `kafka-${kafkaVersion}-jars.json`);
    writeFileSync(out, `${JSON.stringify({ kafkaVersion, roots, jars }, null, 2)}\n`);
    console.log(`${jars.length} jars pinned in ${out}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
