// The broker jars come from a user-chosen repository: what a hostile or broken one can do is bounded.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import type { RequestListener } from 'node:http';
import * as https from 'node:https';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureKafkaJars, KAFKA_JARS, openUrl, type PinnedJar } from '../../src/core/broker/kafkaJars';

/** A real TLS server on loopback with a throwaway self-signed certificate. */
async function httpsServer(dir: string, handler: RequestListener) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
  const server = https.createServer({ key: await fsp.readFile(path.join(dir, 'key.pem')), cert: await fsp.readFile(path.join(dir, 'cert.pem')) }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: path.join(dir, 'cert.pem') };
}

describe('Broker jar download from an untrusted repository', function () {
  this.timeout(60_000);
  let scratch: string;
  const smallest: PinnedJar = [...KAFKA_JARS.jars].sort((a, b) => a.size - b.size)[0];

  before(async () => {
    scratch = await fsp.mkdtemp(path.join(tmpdir(), 'kw-jar-dl-'));
  });
  after(async () => {
    await fsp.rm(scratch, { recursive: true, force: true });
  });

  it('pins every jar to a size and a SHA-256', () => {
    for (const jar of KAFKA_JARS.jars) {
      assert.match(jar.sha256, /^[0-9a-f]{64}$/, `${jar.artifactId} has a SHA-256`);
      assert.ok(Number.isInteger(jar.size) && jar.size > 0, `${jar.artifactId} has a size`);
    }
  });

  it('stops a source that sends more than the pinned size (file:///dev/zero) and leaves nothing behind', async () => {
    // A repository whose only "jar" is a link to /dev/zero: endless bytes.
    const repo = path.join(scratch, 'zero-repo');
    const file = path.join(repo, `${smallest.groupId.replace(/\./g, '/')}/${smallest.artifactId}/${smallest.version}/${smallest.artifactId}-${smallest.version}.jar`);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.symlink('/dev/zero', file);
    const target = path.join(scratch, 'zero-target');
    const started = Date.now();
    await assert.rejects(
      ensureKafkaJars({ repositoryUrl: pathToFileURL(repo).href, targetDir: target, jars: [smallest] }),
      (err: Error) => {
        assert.equal(err.name, 'SizeLimitError');
        assert.match(err.message, new RegExp(`larger than its pinned ${smallest.size} bytes; the download was stopped`));
        return true;
      },
    );
    assert.ok(Date.now() - started < 10_000, 'stopped at once');
    assert.deepEqual(await fsp.readdir(target), [], 'no partial file is left');
  });

  it('refuses plain http repositories and redirects from https to http: or file:', async () => {
    await assert.rejects(openUrl('http://127.0.0.1:9/x.jar'), /Unsupported repository URL http:\/\/127\.0\.0\.1:9\/x\.jar: use https:\/\/\.\.\. or file:\/\/\/\.\.\./);
    const { server, base, ca } = await httpsServer(scratch, (req, res) => {
      const to = req.url === '/to-file' ? 'file:///etc/passwd' : 'http://127.0.0.1:9/plain.jar';
      res.writeHead(302, { location: to }).end();
    });
    // Node reads NODE_EXTRA_CA_CERTS only at start, so trust the test certificate through the global agent.
    const options = https.globalAgent.options;
    const savedCa = options.ca;
    options.ca = await fsp.readFile(ca);
    try {
      await assert.rejects(openUrl(`${base}/to-file`), /Refused a redirect to file:\/\/: downloads follow redirects from https to https only/);
      await assert.rejects(openUrl(`${base}/to-http`), /Refused a redirect to http:\/\/127\.0\.0\.1:9: downloads follow redirects from https to https only/);
    } finally {
      options.ca = savedCa;
      server.close();
    }
  });
});
