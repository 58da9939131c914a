// Java key and trust stores for the TLS tests, made the way teams make them: `openssl pkcs12 -export`
// for the client's PKCS12 key store, `keytool -importkeystore` to JKS, `keytool -importcert` for the
// trust stores. Made once per certificate folder (the broker's CA and client certificate).
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

export const STORE_PASSWORD = 'store-secret';
/** The JKS key store's key has its own password, as ssl.key.password allows. */
export const JKS_KEY_PASSWORD = 'key-secret';
export const CLIENT_ALIAS = 'kafka-client';

export interface Keystores {
  dir: string;
  /** PKCS12 with the client key and certificate (alias kafka-client), password STORE_PASSWORD. */
  clientP12: string;
  /** JKS with the same key (key password JKS_KEY_PASSWORD) plus a second key "other", store password STORE_PASSWORD. */
  clientJks: string;
  /** Trust stores holding the broker's CA. */
  trustP12: string;
  trustJks: string;
}

function run(file: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: 60_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`${file} ${args.slice(0, 2).join(' ')} failed: ${String(stderr).trim() || err.message}`)) : resolve(),
    );
  });
}

async function exists(file: string): Promise<boolean> {
  return fsp.access(file).then(() => true, () => false);
}

/** Makes (once) the stores from a CA certificate and a client certificate and key (PEM). */
export async function makeKeystores(certs: { ca: string; clientCert: string; clientKey: string }, dir: string): Promise<Keystores> {
  const stores: Keystores = {
    dir,
    clientP12: path.join(dir, 'client.keystore.p12'),
    clientJks: path.join(dir, 'client.keystore.jks'),
    trustP12: path.join(dir, 'client.truststore.p12'),
    trustJks: path.join(dir, 'client.truststore.jks'),
  };
  if ((await Promise.all([stores.clientP12, stores.clientJks, stores.trustP12, stores.trustJks].map(exists))).every(Boolean)) return stores;
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.mkdir(dir, { recursive: true });
  const pw = `pass:${STORE_PASSWORD}`;
  await run('openssl', ['pkcs12', '-export', '-in', certs.clientCert, '-inkey', certs.clientKey, '-certfile', certs.ca, '-name', CLIENT_ALIAS, '-out', stores.clientP12, '-passout', pw], dir);
  await run('keytool', ['-importkeystore', '-srckeystore', stores.clientP12, '-srcstoretype', 'PKCS12', '-srcstorepass', STORE_PASSWORD,
    '-destkeystore', stores.clientJks, '-deststoretype', 'JKS', '-deststorepass', STORE_PASSWORD, '-destkeypass', JKS_KEY_PASSWORD,
    '-srcalias', CLIENT_ALIAS, '-destalias', CLIENT_ALIAS, '-noprompt'], dir);
  // A second key in the JKS store, so the alias has to be named.
  await run('keytool', ['-genkeypair', '-keystore', stores.clientJks, '-storetype', 'JKS', '-storepass', STORE_PASSWORD, '-keypass', STORE_PASSWORD,
    '-alias', 'other', '-keyalg', 'RSA', '-keysize', '2048', '-dname', 'CN=other', '-validity', '3650'], dir);
  for (const [store, type] of [[stores.trustP12, 'PKCS12'], [stores.trustJks, 'JKS']] as const) {
    await run('keytool', ['-importcert', '-keystore', store, '-storetype', type, '-storepass', STORE_PASSWORD, '-alias', 'kafka-ca', '-file', certs.ca, '-noprompt'], dir);
  }
  return stores;
}
