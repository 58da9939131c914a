// The runtime shape of every message the connection form webview may post (protocol.ts FormRequest).
// The compiler checks this schema against protocol.ts; the host drops anything that does not fit.
import type { ConnectionFormValues, FormRequest, PemField } from '../../../webview/src/connectionForm/protocol';
import { bool, int, object, oneOf, str, type MessageSchema, type Shape } from '../webviews/messageGuard';

const PEM_FIELDS = ['caFile', 'certFile', 'keyFile', 'registryCaFile', 'truststoreFile', 'keystoreFile'] as const satisfies readonly PemField[];
// Paths and URLs are short; a secret may be a long token (JWTs of several KB).
const text = str(4096);
const secret = str(64 * 1024);

const values: Shape<ConnectionFormValues> = {
  preset: text,
  name: text,
  bootstrapServers: text,
  clientId: text,
  mechanism: oneOf(['none', 'plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer']),
  username: text,
  password: secret,
  oauthMode: oneOf(['client-credentials', 'static-token', 'token-command']),
  tokenEndpoint: text,
  oauthClientId: text,
  oauthClientSecret: secret,
  oauthScope: text,
  oauthAudience: text,
  oauthExtensions: text,
  oauthToken: secret,
  tokenCommand: text,
  tlsEnabled: bool(),
  trustSource: oneOf(['system', 'pem', 'pkcs12', 'jks']),
  caFile: text,
  truststoreFile: text,
  truststorePassword: secret,
  clientAuth: oneOf(['none', 'pem', 'pkcs12', 'jks']),
  certFile: text,
  keyFile: text,
  keystoreFile: text,
  keystoreAlias: text,
  keystorePassword: secret,
  keyPassword: secret,
  verifyHostname: bool(),
  registryUrl: text,
  registryUsername: text,
  registryPassword: secret,
  registryCaFile: text,
};

export const FORM_REQUEST_SCHEMA: MessageSchema<FormRequest> = {
  ready: {},
  test: { requestId: int(), values: object(values) },
  save: { requestId: int(), values: object(values) },
  // The webview names a field only; the path comes from the host's own file picker.
  pickFile: { requestId: int(), field: oneOf(PEM_FIELDS) },
  cancel: {},
};
