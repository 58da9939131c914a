// What each stored secret belongs to. A saved password was given for one endpoint, mechanism and
// user; when an edit changes any of them, the stored value must not be sent to the new place (an
// edited bootstrap list or registry URL could point at a host that collects it). Pure and shared:
// the webview uses it to say so on the field as the user types, the host to refuse the stale secret
// on Test and Save (the host's answer is the one that counts).
import type { ConnectionFormValues, SecretField } from './protocol';

type Key = keyof ConnectionFormValues;

const LABELS: Partial<Record<Key, string>> = {
  bootstrapServers: 'bootstrap servers',
  mechanism: 'mechanism',
  username: 'user name',
  tokenEndpoint: 'token endpoint',
  oauthClientId: 'client id',
  truststoreFile: 'trust store file',
  keystoreFile: 'key store file',
  keyFile: 'key file',
  registryUrl: 'registry URL',
  registryUsername: 'registry user name',
};

/** The fields each secret is bound to. */
const OWNERS: Record<SecretField, Key[]> = {
  password: ['bootstrapServers', 'mechanism', 'username'],
  oauthToken: ['bootstrapServers', 'mechanism'],
  oauthClientSecret: ['tokenEndpoint', 'oauthClientId', 'mechanism'],
  truststorePassword: ['truststoreFile'],
  keystorePassword: ['keystoreFile'],
  keyPassword: ['keystoreFile', 'keyFile'],
  registryPassword: ['registryUrl', 'registryUsername'],
};

/** A field's value as it identifies an endpoint: host lists compared as sets, URLs without a trailing slash. */
function canonical(key: Key, values: ConnectionFormValues): string {
  const v = String(values[key]).trim();
  if (key === 'bootstrapServers') return [...new Set(v.toLowerCase().split(/[\s,]+/).filter(Boolean))].sort().join(',');
  if (key === 'registryUrl' || key === 'tokenEndpoint') return v.replace(/\/+$/, '').toLowerCase();
  return v;
}

/**
 * The stored secrets that no longer apply after an edit from `before` to `after`, each with the text
 * that tells the user why it must be entered again.
 */
export function staleSecrets(before: ConnectionFormValues, after: ConnectionFormValues): Partial<Record<SecretField, string>> {
  const out: Partial<Record<SecretField, string>> = {};
  for (const [field, owners] of Object.entries(OWNERS) as [SecretField, Key[]][]) {
    const changed = owners.filter((k) => canonical(k, before) !== canonical(k, after)).map((k) => LABELS[k] ?? k);
    if (changed.length > 0) out[field] = `The ${changed.join(' and ')} changed: enter this secret again (the stored one stays with the old ${changed.length > 1 ? 'settings' : 'value'}).`;
  }
  return out;
}

/** Warnings (not errors) about secrets sent in clear text. */
export function cleartextWarnings(values: ConnectionFormValues): Partial<Record<'mechanism' | 'registryUsername', string>> {
  const out: Partial<Record<'mechanism' | 'registryUsername', string>> = {};
  if (values.mechanism === 'plain' && !values.tlsEnabled) {
    out.mechanism = 'SASL/PLAIN without TLS sends the password in clear text: anyone on the network path can read it. Turn on TLS unless this is a local test broker.';
  }
  if (/^http:\/\//i.test(values.registryUrl.trim()) && values.registryUsername.trim()) {
    out.registryUsername = 'Basic auth over http:// sends the registry password in clear text. Use an https:// URL unless the registry is local.';
  }
  return out;
}
