/**
 * Every message between the connection form webview and the extension host. Both bundles import
 * this file; it holds types only. The stored password never travels to the webview: the host says
 * only whether one exists, and an empty password field means "keep it".
 */

export type Mechanism = 'none' | 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface ConnectionFormValues {
  name: string;
  /** As typed: host:port entries separated by commas or spaces. */
  bootstrapServers: string;
  clientId: string;
  mechanism: Mechanism;
  username: string;
  /** Only what the user typed in this form; empty keeps a stored password when editing. */
  password: string;
  tlsEnabled: boolean;
  caFile: string;
  certFile: string;
  keyFile: string;
  verifyHostname: boolean;
  /** Empty: no Schema Registry for this connection. */
  registryUrl: string;
  registryUsername: string;
  /** Only what the user typed; empty keeps a stored one when editing. */
  registryPassword: string;
  registryCaFile: string;
}

export type PemField = 'caFile' | 'certFile' | 'keyFile' | 'registryCaFile';

export type FieldErrors = Partial<Record<keyof ConnectionFormValues, string>>;

/** Webview → host. */
export type FormRequest =
  | { type: 'ready' }
  | { type: 'test'; requestId: number; values: ConnectionFormValues }
  | { type: 'save'; requestId: number; values: ConnectionFormValues }
  | { type: 'pickFile'; requestId: number; field: PemField }
  | { type: 'cancel' };

/** Host → webview. */
export type FormMessage =
  | { type: 'init'; mode: 'add' | 'edit'; values: ConnectionFormValues; stored: { password: boolean; registryPassword: boolean } }
  | { type: 'testResult'; requestId: number; ok: boolean; text: string }
  | { type: 'saveResult'; requestId: number; ok: boolean; errors: FieldErrors; message?: string }
  | { type: 'filePicked'; requestId: number; field: PemField; path: string | undefined };
