// Turns a Java `client.properties` (or a librdkafka config, same key=value shape) into a connection
// profile plus its secrets. Everything not used is returned in `unmapped` with the reason, so the
// user sees it; nothing is dropped silently. Secret values never appear in that list.
// Layer-1 core: no `vscode`.
import type { ConnectionProfile, ConnectionSecrets, KeystoreFile, OAuthSettings, SaslMechanism } from './profile';
import { parseBootstrapServers } from './profile';

export interface ImportedConnection {
  /** Without a name: the caller names it (from the file name, or asks). */
  profile: Omit<ConnectionProfile, 'name'>;
  secrets: ConnectionSecrets;
  /** Keys that were used. */
  mapped: string[];
  /** Keys that were not used, each with why, and its value unless it is secret. */
  unmapped: { key: string; value: string; reason: string }[];
}

/** Parses Java .properties text: comments, `=`/`:`/space separators, continuations, escapes. */
export function parseProperties(text: string): Map<string, string> {
  const props = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^\s+/, '');
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i].replace(/^\s+/, '');
    let k = 0;
    let key = '';
    while (k < line.length && !/[=:\s]/.test(line[k])) {
      if (line[k] === '\\' && k + 1 < line.length) {
        key += unescapeChar(line, k);
        k += line[k + 1] === 'u' ? 6 : 2;
      } else key += line[k++];
    }
    while (k < line.length && /\s/.test(line[k])) k++;
    if (line[k] === '=' || line[k] === ':') k++;
    while (k < line.length && /\s/.test(line[k])) k++;
    let value = '';
    while (k < line.length) {
      if (line[k] === '\\' && k + 1 < line.length) {
        value += unescapeChar(line, k);
        k += line[k + 1] === 'u' ? 6 : 2;
      } else value += line[k++];
    }
    props.set(key, value.trim());
  }
  return props;
}

function unescapeChar(s: string, at: number): string {
  const c = s[at + 1];
  if (c === 'u') return String.fromCharCode(parseInt(s.slice(at + 2, at + 6), 16) || 0);
  return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
}

/** A JAAS line: the login module and its options (`key="value"` or `key=value`), up to the `;`. */
export function parseJaas(text: string): { module: string; options: Record<string, string> } | undefined {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\s*([\s\S]*?);?\s*$/.exec(text);
  if (!m) return undefined;
  const options: Record<string, string> = {};
  const re = /([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;"]+))/g;
  for (let o; (o = re.exec(m[3])); ) options[o[1]] = o[2] !== undefined ? o[2].replace(/\\(.)/g, '$1') : o[3];
  return { module: m[1], options };
}

const SECRET_KEY = /password|secret|jaas|user\.info|token(?!\.endpoint)|credentials/i;

/** Client tuning that has no place in a connection; listed as such, not as an error. */
const TUNING = /^(acks|linger\.ms|batch\.size|compression\.type|retries|retry\.backoff\.ms|request\.timeout\.ms|session\.timeout\.ms|max\.poll\.|auto\.offset\.reset|enable\.auto\.commit|group\.id|key\.(de)?serializer|value\.(de)?serializer|client\.dns\.lookup|delivery\.timeout\.ms|enable\.idempotence|fetch\.|max\.in\.flight|heartbeat\.interval\.ms|socket\.|metadata\.max\.age\.ms|auto\.commit\.interval\.ms)/;

function storeType(declared: string | undefined, location: string): 'PKCS12' | 'JKS' | 'PEM' {
  const t = declared?.trim().toUpperCase();
  if (t === 'PKCS12' || t === 'JKS' || t === 'PEM') return t;
  if (/\.(p12|pfx)$/i.test(location)) return 'PKCS12';
  if (/\.(pem|crt|cer)$/i.test(location)) return 'PEM';
  return 'JKS'; // Java's default ssl.*store.type (a PKCS12 file is recognised when read)
}

/** Maps client properties to a profile. Unknown mechanisms and unsupported options go to `unmapped`. */
export function importClientProperties(text: string): ImportedConnection {
  const props = parseProperties(text);
  const used = new Set<string>();
  const unmapped: ImportedConnection['unmapped'] = [];
  const take = (...keys: string[]): string | undefined => {
    for (const key of keys) {
      if (props.has(key)) {
        used.add(key);
        return props.get(key);
      }
    }
    return undefined;
  };
  const reject = (key: string, reason: string) => {
    used.add(key);
    unmapped.push({ key, value: SECRET_KEY.test(key) ? '(secret, not shown)' : (props.get(key) ?? ''), reason });
  };
  const secrets: ConnectionSecrets = {};

  const bootstrap = parseBootstrapServers(take('bootstrap.servers', 'metadata.broker.list') ?? '');
  const clientId = take('client.id') ?? 'kafka-workbench';
  const protocol = (take('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) reject('security.protocol', `unknown protocol ${protocol}; PLAINTEXT assumed`);
  const tlsOn = protocol === 'SSL' || protocol === 'SASL_SSL';
  const saslOn = protocol.startsWith('SASL_');

  let mechanism: SaslMechanism = 'none';
  let username: string | undefined;
  let oauth: OAuthSettings | undefined;
  if (saslOn) {
    const declared = (take('sasl.mechanism', 'sasl.mechanisms') ?? 'GSSAPI').toUpperCase();
    const known: Record<string, SaslMechanism> = { PLAIN: 'plain', 'SCRAM-SHA-256': 'scram-sha-256', 'SCRAM-SHA-512': 'scram-sha-512', OAUTHBEARER: 'oauthbearer' };
    if (known[declared]) mechanism = known[declared];
    else {
      const why = declared === 'AWS_MSK_IAM' ? 'AWS MSK IAM is not supported yet: use SCRAM on MSK' : declared === 'GSSAPI' ? 'Kerberos (GSSAPI) is not supported' : `mechanism ${declared} is not supported`;
      reject(props.has('sasl.mechanism') ? 'sasl.mechanism' : 'sasl.mechanisms', why);
    }
    const jaasText = take('sasl.jaas.config');
    const jaas = jaasText ? parseJaas(jaasText) : undefined;
    if (jaasText && !jaas) reject('sasl.jaas.config', 'could not be read as a JAAS line (module, flag, options, `;`)');
    const jaasOpts = { ...(jaas?.options ?? {}) };
    if (jaas && /IAMLoginModule|Krb5LoginModule/.test(jaas.module)) reject('sasl.jaas.config', `${jaas.module} is not supported`);
    if (mechanism === 'plain' || mechanism.startsWith('scram')) {
      username = jaasOpts.username ?? take('sasl.username');
      const password = jaasOpts.password ?? take('sasl.password');
      if (password !== undefined) secrets.saslPassword = password;
      delete jaasOpts.username;
      delete jaasOpts.password;
    }
    if (mechanism === 'oauthbearer') {
      const extensions: Record<string, string> = {};
      for (const [k, v] of Object.entries(jaasOpts)) {
        if (k.startsWith('extension_')) {
          extensions[k.slice('extension_'.length)] = v;
          delete jaasOpts[k];
        }
      }
      // librdkafka: sasl.oauthbearer.extensions=logicalCluster=lkc-1,identityPoolId=pool-2
      for (const pair of (take('sasl.oauthbearer.extensions') ?? '').split(',').filter(Boolean)) {
        const [k, ...rest] = pair.split('=');
        if (k.trim()) extensions[k.trim()] = rest.join('=').trim();
      }
      const tokenEndpoint = take('sasl.oauthbearer.token.endpoint.url');
      const clientSecret = jaasOpts.clientSecret ?? take('sasl.oauthbearer.client.secret');
      if (clientSecret !== undefined) secrets.oauthClientSecret = clientSecret;
      oauth = {
        mode: 'client-credentials',
        tokenEndpoint,
        clientId: jaasOpts.clientId ?? take('sasl.oauthbearer.client.id'),
        scope: jaasOpts.scope ?? take('sasl.oauthbearer.scope'),
        audience: take('sasl.oauthbearer.audience') ?? jaasOpts.audience,
        extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
      };
      for (const k of ['clientId', 'clientSecret', 'scope', 'audience']) delete jaasOpts[k];
      take('sasl.login.callback.handler.class', 'sasl.oauthbearer.method');
      if (!tokenEndpoint) {
        unmapped.push({ key: 'sasl.oauthbearer.token.endpoint.url', value: '(missing)', reason: 'no token endpoint: set it, or switch the connection to a static token or token command' });
      }
    }
    for (const k of Object.keys(jaasOpts)) unmapped.push({ key: `sasl.jaas.config ${k}`, value: SECRET_KEY.test(k) ? '(secret, not shown)' : jaasOpts[k], reason: 'JAAS option not used' });
  }

  let caFile: string | undefined;
  let certFile: string | undefined;
  let keyFile: string | undefined;
  let truststore: KeystoreFile | undefined;
  let keystore: KeystoreFile | undefined;
  let verifyHostname = true;
  if (tlsOn || props.has('ssl.truststore.location') || props.has('ssl.ca.location')) {
    const trustLocation = take('ssl.truststore.location');
    const trustType = storeType(take('ssl.truststore.type'), trustLocation ?? '');
    const trustPassword = take('ssl.truststore.password');
    if (trustLocation) {
      if (trustType === 'PEM') caFile = trustLocation;
      else {
        truststore = { path: trustLocation, type: trustType };
        if (trustPassword !== undefined) secrets.truststorePassword = trustPassword;
      }
    }
    caFile ??= take('ssl.ca.location');
    const keyLocation = take('ssl.keystore.location');
    const keyType = storeType(take('ssl.keystore.type'), keyLocation ?? '');
    const keyStorePassword = take('ssl.keystore.password');
    if (keyLocation) {
      if (keyType === 'PEM') {
        // Kafka's PEM key store: key and certificate chain in one file; Node reads each part from it.
        certFile = keyLocation;
        keyFile = keyLocation;
      } else {
        keystore = { path: keyLocation, type: keyType };
        if (keyStorePassword !== undefined) secrets.keystorePassword = keyStorePassword;
      }
    }
    certFile ??= take('ssl.certificate.location');
    keyFile ??= take('ssl.key.location');
    const keyPassword = take('ssl.key.password');
    if (keyPassword !== undefined) secrets.keyPassword = keyPassword;
    const identification = take('ssl.endpoint.identification.algorithm');
    if (identification !== undefined && identification.trim().toLowerCase() !== 'https') verifyHostname = false;
    const verification = take('enable.ssl.certificate.verification');
    if (verification?.toLowerCase() === 'false') reject('enable.ssl.certificate.verification', "certificates are always verified: trust the broker's CA instead");
    if (!tlsOn && (caFile || truststore)) unmapped.push({ key: 'security.protocol', value: protocol, reason: 'trust settings given but TLS is off; they are kept for when TLS is turned on' });
  }

  let schemaRegistry: ConnectionProfile['schemaRegistry'];
  const registryUrl = take('schema.registry.url');
  if (registryUrl) {
    const first = registryUrl.split(',')[0].trim();
    if (registryUrl.includes(',')) unmapped.push({ key: 'schema.registry.url', value: registryUrl, reason: `several URLs: the first (${first}) is used` });
    take('basic.auth.credentials.source', 'schema.registry.basic.auth.credentials.source');
    const userInfo = take('basic.auth.user.info', 'schema.registry.basic.auth.user.info');
    let username: string | undefined;
    if (userInfo !== undefined) {
      const colon = userInfo.indexOf(':');
      username = colon >= 0 ? userInfo.slice(0, colon) : userInfo;
      if (colon >= 0) secrets.registryPassword = userInfo.slice(colon + 1);
    }
    const registryCa = take('schema.registry.ssl.truststore.location');
    const registryCaType = storeType(take('schema.registry.ssl.truststore.type'), registryCa ?? '');
    let caFile: string | undefined;
    if (registryCa && registryCaType === 'PEM') caFile = registryCa;
    else if (registryCa) unmapped.push({ key: 'schema.registry.ssl.truststore.location', value: registryCa, reason: 'the registry takes a PEM CA file: export the CA with keytool -exportcert -rfc' });
    schemaRegistry = { url: first, username, caFile };
  }

  for (const [key, value] of props) {
    if (used.has(key)) continue;
    unmapped.push({
      key,
      value: SECRET_KEY.test(key) ? '(secret, not shown)' : value,
      reason: TUNING.test(key) ? 'producer/consumer tuning: set per operation in Kafka Workbench' : 'not used by Kafka Workbench',
    });
  }

  return {
    profile: {
      bootstrapServers: bootstrap,
      clientId,
      sasl: { mechanism, username: mechanism === 'none' || mechanism === 'oauthbearer' ? undefined : username, oauth },
      tls: { enabled: tlsOn, caFile, certFile, keyFile, verifyHostname, truststore, keystore },
      schemaRegistry,
    },
    secrets,
    mapped: [...used].filter((k) => !unmapped.some((u) => u.key === k)),
    unmapped,
  };
}
