import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KAFKA_JARS, jarFileName, jarRepositoryPath } from '../../src/core/broker/kafkaJars';
import { testClasspath, testJarsDir } from './testBroker';

/**
 * A file:// Maven repository made of links to the jars the test rig already fetched, so the
 * extension's own download-and-verify path runs without reaching the network. The caller removes it.
 */
export async function localMavenRepository(): Promise<string> {
  await testClasspath();
  const repo = mkdtempSync(join(tmpdir(), 'kw-maven-'));
  for (const jar of KAFKA_JARS.jars) {
    const target = join(repo, jarRepositoryPath(jar));
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(testJarsDir(), jarFileName(jar)), target);
  }
  return repo;
}
