/** How a client authenticates with SASL. `none` means no SASL at all. */
export type SaslMechanism = 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer';

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['none', 'plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'];

/** Where an OAUTHBEARER token comes from. */
export type OAuthMode = 'client-credentials' | 'static-token' | 'token-command';
export const OAUTH_MODES: readonly OAuthMode[] = ['client-credentials', 'static-token', 'token-command'];

/**
 * SASL/OAUTHBEARER settings. The client secret (client-credentials) and the static token live in
 * SecretStorage, never here.
 */
export interface OAuthSettings {
  mode: OAuthMode;
  /** client-credentials: the provider's token endpoint, e.g. https://idp.example.com/oauth2/token. */
  tokenEndpoint?: string;
  clientId?: string;
  /** Space-separated scopes to ask for. */
  scope?: string;
  /** Sent as `audience` (Auth0, Okta style) and `resource` (RFC 8707) when set. */
  audience?: string;
  /** SASL extensions sent with the token (e.g. Confluent Cloud's logicalCluster, identityPoolId). */
  extensions?: Record<string, string>;
  /** token-command: a shell command whose standard output is the token (or JSON with access_token). */
  tokenCommand?: string;
}

/** A Java-style key or trust store file, read and converted to PEM in memory. */
export interface KeystoreFile {
  path: string;
  type: 'PKCS12' | 'JKS';
  /** Key stores only: the entry to use when the store holds more than one key. */
  alias?: string;
}

export interface TlsSettings {
  enabled: boolean;
  /** PEM file with the CA certificate(s) to trust; the system store is used when absent. */
  caFile?: string;
  /** PEM client certificate, for brokers that ask for mutual TLS. */
  certFile?: string;
  /** PEM private key of the client certificate. */
  keyFile?: string;
  /** Check that the broker's certificate names the host we dialled. */
  verifyHostname: boolean;
  /** Trust store (PKCS12/JKS) instead of, or beside, the PEM CA file; its password is a secret. */
  truststore?: KeystoreFile;
  /** Client key and certificate chain (PKCS12/JKS) instead of PEM files; its password is a secret. */
  keystore?: KeystoreFile;
}

/**
 * Everything about a connection that may be stored in settings. Passwords are not here:
 * they live in VS Code's SecretStorage and reach the core only as {@link ConnectionSecrets}.
 */
export interface SchemaRegistrySettings {
  /** Base URL of a Confluent-compatible registry, e.g. http://localhost:8081. */
  url: string;
  /** User for HTTP basic auth; its password lives in SecretStorage. */
  username?: string;
  /** PEM CA file for an https:// registry signed by a private CA. */
  caFile?: string;
}

export interface ConnectionProfile {
  name: string;
  bootstrapServers: string[];
  clientId: string;
  sasl: { mechanism: SaslMechanism; username?: string; oauth?: OAuthSettings };
  tls: TlsSettings;
  /** The Schema Registry that goes with this cluster, if any. */
  schemaRegistry?: SchemaRegistrySettings;
}

export interface ConnectionSecrets {
  saslPassword?: string;
  registryPassword?: string;
  /** OAUTHBEARER client-credentials secret. */
  oauthClientSecret?: string;
  /** OAUTHBEARER static token. */
  oauthToken?: string;
  truststorePassword?: string;
  keystorePassword?: string;
  /** Password of the private key, when it differs from the key store's (or for an encrypted PEM key). */
  keyPassword?: string;
}

/** Every secret a connection may have, in SecretStorage under `kafkaWorkbench.connection.<name>.<secret>`. */
export const SECRET_NAMES: readonly (keyof ConnectionSecrets)[] = [
  'saslPassword',
  'registryPassword',
  'oauthClientSecret',
  'oauthToken',
  'truststorePassword',
  'keystorePassword',
  'keyPassword',
];

/** Which secrets a profile uses: the others are deleted on save and never asked for. */
export function secretsInUse(profile: ConnectionProfile): Record<keyof ConnectionSecrets, boolean> {
  const { mechanism, oauth } = profile.sasl;
  const tls = profile.tls.enabled;
  return {
    saslPassword: mechanism !== 'none' && mechanism !== 'oauthbearer',
    registryPassword: profile.schemaRegistry?.username !== undefined,
    oauthClientSecret: mechanism === 'oauthbearer' && (oauth?.mode ?? 'client-credentials') === 'client-credentials',
    oauthToken: mechanism === 'oauthbearer' && oauth?.mode === 'static-token',
    truststorePassword: tls && profile.tls.truststore !== undefined,
    keystorePassword: tls && profile.tls.keystore !== undefined,
    keyPassword: tls && (profile.tls.keystore !== undefined || profile.tls.keyFile !== undefined),
  };
}

/** Splits a user-typed bootstrap list ("a:9092, b:9092") into host:port entries. */
export function parseBootstrapServers(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Returns a message for the first problem in a bootstrap list, or undefined when it is usable. */
export function validateBootstrapServers(servers: readonly string[]): string | undefined {
  if (servers.length === 0) {
    return 'The bootstrap server list is empty: enter at least one host:port, for example 127.0.0.1:9092.';
  }
  for (const server of servers) {
    const match = /^(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):(\d{1,5})$/.exec(server);
    if (!match) {
      return `"${server}" is not host:port: write each bootstrap server as host:port, for example 127.0.0.1:9092.`;
    }
    const port = Number(match[2]);
    if (port < 1 || port > 65535) {
      return `"${server}" has port ${port}, outside 1-65535: use the port the broker's listener is on.`;
    }
  }
  return undefined;
}
