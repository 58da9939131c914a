/**
 * Every message between the connection form webview and the extension host. Both bundles import
 * this file; it holds types only. Stored secrets never travel to the webview: the host says only
 * whether one exists, and an empty secret field means "keep it".
 */

export type Mechanism = 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512' | 'oauthbearer';
export type OAuthMode = 'client-credentials' | 'static-token' | 'token-command';
/** Where the CA certificates come from. */
export type TrustSource = 'system' | 'pem' | 'pkcs12' | 'jks';
/** Where the client certificate and key come from (mutual TLS). */
export type ClientAuth = 'none' | 'pem' | 'pkcs12' | 'jks';

export interface ConnectionFormValues {
  /** The preset last applied (informational; the fields hold the result). */
  preset: string;
  name: string;
  /** As typed: host:port entries separated by commas or spaces. */
  bootstrapServers: string;
  clientId: string;
  mechanism: Mechanism;
  username: string;
  /** Only what the user typed in this form; empty keeps a stored password when editing. */
  password: string;
  oauthMode: OAuthMode;
  tokenEndpoint: string;
  oauthClientId: string;
  /** Secret: empty keeps the stored one. */
  oauthClientSecret: string;
  oauthScope: string;
  oauthAudience: string;
  /** SASL extensions as `key=value, key=value`. */
  oauthExtensions: string;
  /** Secret: empty keeps the stored one. */
  oauthToken: string;
  tokenCommand: string;
  tlsEnabled: boolean;
  trustSource: TrustSource;
  caFile: string;
  truststoreFile: string;
  /** Secret: empty keeps the stored one. */
  truststorePassword: string;
  clientAuth: ClientAuth;
  certFile: string;
  keyFile: string;
  keystoreFile: string;
  keystoreAlias: string;
  /** Secret: empty keeps the stored one. */
  keystorePassword: string;
  /** Secret: the private key's own password (encrypted PEM key, or a store key with its own password). */
  keyPassword: string;
  verifyHostname: boolean;
  /** Empty: no Schema Registry for this connection. */
  registryUrl: string;
  registryUsername: string;
  /** Only what the user typed; empty keeps a stored one when editing. */
  registryPassword: string;
  registryCaFile: string;
}

export type PemField = 'caFile' | 'certFile' | 'keyFile' | 'registryCaFile' | 'truststoreFile' | 'keystoreFile';

export type SecretField = 'password' | 'oauthClientSecret' | 'oauthToken' | 'truststorePassword' | 'keystorePassword' | 'keyPassword' | 'registryPassword';

export type FieldErrors = Partial<Record<keyof ConnectionFormValues, string>>;

/** A managed-service preset, as data (src/core/connection/presets.ts). */
export interface PresetInfo {
  id: string;
  label: string;
  mechanism: Mechanism;
  tls: boolean;
  trust: 'system' | 'pem';
  clientAuth: 'none' | 'pem';
  bootstrapPlaceholder: string;
  usernameLabel?: string;
  passwordLabel?: string;
  help: string;
}

/** Webview → host. */
export type FormRequest =
  | { type: 'ready' }
  | { type: 'test'; requestId: number; values: ConnectionFormValues }
  | { type: 'save'; requestId: number; values: ConnectionFormValues }
  | { type: 'pickFile'; requestId: number; field: PemField }
  | { type: 'cancel' };

/** Host → webview. */
export type FormMessage =
  | {
      type: 'init';
      mode: 'add' | 'edit';
      values: ConnectionFormValues;
      /** Which secrets are already stored (never their values). */
      stored: Partial<Record<SecretField, boolean>>;
      presets: PresetInfo[];
    }
  | { type: 'testResult'; requestId: number; ok: boolean; text: string }
  | { type: 'saveResult'; requestId: number; ok: boolean; errors: FieldErrors; message?: string }
  | { type: 'filePicked'; requestId: number; field: PemField; path: string | undefined };
