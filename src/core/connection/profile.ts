/** How a client authenticates with SASL. `none` means no SASL at all. */
export type SaslMechanism = 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';

export const SASL_MECHANISMS: readonly SaslMechanism[] = ['none', 'plain', 'scram-sha-256', 'scram-sha-512'];

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
  sasl: { mechanism: SaslMechanism; username?: string };
  tls: TlsSettings;
  /** The Schema Registry that goes with this cluster, if any. */
  schemaRegistry?: SchemaRegistrySettings;
}

export interface ConnectionSecrets {
  saslPassword?: string;
  registryPassword?: string;
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
