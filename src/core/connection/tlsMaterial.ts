// Node TLS options for a connection: PEM files read as they are, PKCS12/JKS stores converted in
// memory (keystore.ts). Every file problem is reported before a socket opens, naming the file.
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KafkaWorkbenchError } from '../kafka/errors';
import { clientMaterial, readKeystore, trustedCertificates } from './keystore';
import type { ConnectionProfile, ConnectionSecrets } from './profile';

/** The subset of Node's `tls.ConnectionOptions` a Kafka client needs. */
export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  rejectUnauthorized: true;
  checkServerIdentity?: () => undefined;
}

async function read(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new KafkaWorkbenchError(
      `Cannot read the ${what} file ${path}: ${(e as Error).message}. Fix the path with "Kafka: Edit Connection".`,
      'invalid-input',
    );
  }
}

/** Builds the TLS options, or undefined when the connection does not use TLS. */
export async function tlsMaterial(profile: ConnectionProfile, secrets: ConnectionSecrets): Promise<TlsMaterial | undefined> {
  const tls = profile.tls;
  if (!tls.enabled) return undefined;
  const cas: string[] = [];
  if (tls.caFile) cas.push((await read(tls.caFile, 'CA certificate')).toString('utf8'));
  if (tls.truststore) {
    const { path, type } = tls.truststore;
    const entries = readKeystore(await read(path, 'trust store'), type, secrets.truststorePassword ?? '', path);
    cas.push(trustedCertificates(entries, path));
  }
  let cert: string | undefined;
  let key: string | undefined;
  if (tls.keystore) {
    const { path, type, alias } = tls.keystore;
    if (secrets.keystorePassword === undefined && type === 'PKCS12') {
      throw new KafkaWorkbenchError(`The key store ${path} needs its password: enter it with "Kafka: Edit Connection".`, 'invalid-input');
    }
    const entries = readKeystore(await read(path, 'key store'), type, secrets.keystorePassword ?? '', path, secrets.keyPassword || undefined);
    const material = clientMaterial(entries, path, alias);
    cert = material.cert;
    key = material.key;
  } else {
    if (tls.certFile) cert = (await read(tls.certFile, 'client certificate')).toString('utf8');
    if (tls.keyFile) {
      key = (await read(tls.keyFile, 'client key')).toString('utf8');
      // An encrypted PEM key: check the password here, so a wrong one is not reported as a TLS failure.
      if (/ENCRYPTED/.test(key)) {
        try {
          key = createPrivateKey({ key, format: 'pem', passphrase: secrets.keyPassword ?? '' }).export({ format: 'pem', type: 'pkcs8' }).toString();
        } catch {
          throw new KafkaWorkbenchError(
            `The client key ${tls.keyFile} is encrypted and the key password is ${secrets.keyPassword ? 'wrong' : 'missing'}: enter it with "Kafka: Edit Connection".`,
            'invalid-input',
          );
        }
      }
    }
  }
  return {
    ca: cas.length > 0 ? cas.join('\n') : undefined,
    cert,
    key,
    rejectUnauthorized: true,
    // Node asserts that checkServerIdentity is a function when the key is present at all.
    ...(tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
  };
}
