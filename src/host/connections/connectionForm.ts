import {
  OAUTH_MODES,
  SASL_MECHANISMS,
  parseBootstrapServers,
  validateBootstrapServers,
  type ConnectionProfile,
  type ConnectionSecrets,
  type KeystoreFile,
  type OAuthSettings,
} from '../../core/connection/profile';
import type { ClientAuth, ConnectionFormValues, FieldErrors, SecretField, TrustSource } from '../../../webview/src/connectionForm/protocol';

/** Form secret field → the secret it is stored as. */
export const FORM_SECRETS: Record<SecretField, keyof ConnectionSecrets> = {
  password: 'saslPassword',
  oauthClientSecret: 'oauthClientSecret',
  oauthToken: 'oauthToken',
  truststorePassword: 'truststorePassword',
  keystorePassword: 'keystorePassword',
  keyPassword: 'keyPassword',
  registryPassword: 'registryPassword',
};

function extensionsText(extensions: Record<string, string> | undefined): string {
  return Object.entries(extensions ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** `a=1, b=2` → { a: '1', b: '2' }; a malformed pair is reported. */
export function parseExtensions(text: string): { extensions?: Record<string, string>; error?: string } {
  const extensions: Record<string, string> = {};
  for (const pair of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    const key = eq > 0 ? pair.slice(0, eq).trim() : '';
    // RFC 7628: extension keys are letters only; "auth" is reserved.
    if (!/^[A-Za-z]+$/.test(key) || key === 'auth') return { error: `"${pair}" is not key=value with a key of letters only (e.g. logicalCluster=lkc-123).` };
    extensions[key] = pair.slice(eq + 1).trim();
  }
  return { extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
}

export function formValuesOf(profile: ConnectionProfile | undefined): ConnectionFormValues {
  const oauth = profile?.sasl.oauth;
  const tls = profile?.tls;
  const trustSource: TrustSource = tls?.truststore ? (tls.truststore.type === 'JKS' ? 'jks' : 'pkcs12') : tls?.caFile ? 'pem' : 'system';
  const clientAuth: ClientAuth = tls?.keystore ? (tls.keystore.type === 'JKS' ? 'jks' : 'pkcs12') : tls?.certFile ? 'pem' : 'none';
  return {
    preset: '',
    name: profile?.name ?? '',
    bootstrapServers: profile?.bootstrapServers.join(', ') ?? '127.0.0.1:9092',
    clientId: profile?.clientId ?? 'kafka-workbench',
    mechanism: profile?.sasl.mechanism ?? 'none',
    username: profile?.sasl.username ?? '',
    password: '',
    oauthMode: oauth?.mode ?? 'client-credentials',
    tokenEndpoint: oauth?.tokenEndpoint ?? '',
    oauthClientId: oauth?.clientId ?? '',
    oauthClientSecret: '',
    oauthScope: oauth?.scope ?? '',
    oauthAudience: oauth?.audience ?? '',
    oauthExtensions: extensionsText(oauth?.extensions),
    oauthToken: '',
    tokenCommand: oauth?.tokenCommand ?? '',
    tlsEnabled: tls?.enabled ?? false,
    trustSource,
    caFile: tls?.caFile ?? '',
    truststoreFile: tls?.truststore?.path ?? '',
    truststorePassword: '',
    clientAuth,
    certFile: tls?.certFile ?? '',
    keyFile: tls?.keyFile ?? '',
    keystoreFile: tls?.keystore?.path ?? '',
    keystoreAlias: tls?.keystore?.alias ?? '',
    keystorePassword: '',
    keyPassword: '',
    verifyHostname: tls?.verifyHostname ?? true,
    registryUrl: profile?.schemaRegistry?.url ?? '',
    registryUsername: profile?.schemaRegistry?.username ?? '',
    registryPassword: '',
    registryCaFile: profile?.schemaRegistry?.caFile ?? '',
  };
}

/** The secrets typed in the form: a typed value sets it, an empty field keeps the stored one. */
export function secretsFromForm(values: ConnectionFormValues): Partial<Record<keyof ConnectionSecrets, string | undefined>> {
  const out: Partial<Record<keyof ConnectionSecrets, string | undefined>> = {};
  for (const [field, secret] of Object.entries(FORM_SECRETS) as [SecretField, keyof ConnectionSecrets][]) {
    out[secret] = values[field] || undefined;
  }
  return out;
}

/** Checks the form and builds the profile; every problem is reported against its field. */
export function profileFromForm(
  values: ConnectionFormValues,
  takenNames: readonly string[],
  stored: Partial<Record<keyof ConnectionSecrets, boolean>> = {},
): { profile?: ConnectionProfile; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Enter a name for this connection.';
  else if (takenNames.includes(name)) errors.name = `A connection named "${name}" exists: choose another name.`;
  const servers = parseBootstrapServers(values.bootstrapServers);
  const serverProblem = validateBootstrapServers(servers);
  if (serverProblem) errors.bootstrapServers = serverProblem;
  const mechanism = SASL_MECHANISMS.includes(values.mechanism) ? values.mechanism : 'none';
  if (mechanism !== 'none' && mechanism !== 'oauthbearer' && !values.username.trim()) errors.username = `SASL ${mechanism.toUpperCase()} needs a user name.`;
  const optional = (s: string) => s.trim() || undefined;

  let oauth: OAuthSettings | undefined;
  if (mechanism === 'oauthbearer') {
    const mode = OAUTH_MODES.includes(values.oauthMode) ? values.oauthMode : 'client-credentials';
    const { extensions, error } = parseExtensions(values.oauthExtensions);
    if (error) errors.oauthExtensions = error;
    if (mode === 'client-credentials') {
      if (!/^https?:\/\/\S+$/.test(values.tokenEndpoint.trim())) errors.tokenEndpoint = 'Enter the token endpoint URL, e.g. https://idp.example.com/oauth2/token.';
      if (!values.oauthClientId.trim()) errors.oauthClientId = 'Enter the OAuth client id.';
      if (!values.oauthClientSecret && !stored.oauthClientSecret) errors.oauthClientSecret = 'Enter the client secret.';
    } else if (mode === 'static-token') {
      if (!values.oauthToken.trim() && !stored.oauthToken) errors.oauthToken = 'Paste the token.';
    } else if (!values.tokenCommand.trim()) {
      errors.tokenCommand = 'Enter a command that prints the token, e.g. `az account get-access-token --query accessToken -o tsv`.';
    }
    oauth = {
      mode,
      tokenEndpoint: mode === 'client-credentials' ? optional(values.tokenEndpoint) : undefined,
      clientId: mode === 'client-credentials' ? optional(values.oauthClientId) : undefined,
      scope: mode === 'client-credentials' ? optional(values.oauthScope) : undefined,
      audience: mode === 'client-credentials' ? optional(values.oauthAudience) : undefined,
      extensions,
      tokenCommand: mode === 'token-command' ? optional(values.tokenCommand) : undefined,
    };
  }

  let truststore: KeystoreFile | undefined;
  let keystore: KeystoreFile | undefined;
  if (values.tlsEnabled) {
    if (values.trustSource === 'pem' && !values.caFile.trim()) errors.caFile = 'Choose the CA certificate file (PEM).';
    if (values.trustSource === 'pkcs12' || values.trustSource === 'jks') {
      if (!values.truststoreFile.trim()) errors.truststoreFile = 'Choose the trust store file.';
      truststore = { path: values.truststoreFile.trim(), type: values.trustSource === 'jks' ? 'JKS' : 'PKCS12' };
    }
    if (values.clientAuth === 'pem') {
      if (!values.certFile.trim()) errors.certFile = 'Choose the client certificate file (PEM).';
      if (!values.keyFile.trim()) errors.keyFile = 'A client certificate needs its private key file.';
    }
    if (values.clientAuth === 'pkcs12' || values.clientAuth === 'jks') {
      if (!values.keystoreFile.trim()) errors.keystoreFile = 'Choose the key store file.';
      if (!values.keystorePassword && !stored.keystorePassword) errors.keystorePassword = 'Enter the key store password.';
      keystore = { path: values.keystoreFile.trim(), type: values.clientAuth === 'jks' ? 'JKS' : 'PKCS12', alias: optional(values.keystoreAlias) };
    }
  }
  const registryUrl = values.registryUrl.trim();
  if (registryUrl && !/^https?:\/\/[^\s/]+/.test(registryUrl)) errors.registryUrl = 'Enter the registry URL as http(s)://host:port, for example http://localhost:8081.';
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    profile: {
      name,
      bootstrapServers: servers,
      clientId: values.clientId.trim() || 'kafka-workbench',
      sasl: { mechanism, username: mechanism === 'none' || mechanism === 'oauthbearer' ? undefined : values.username.trim(), oauth },
      tls: values.tlsEnabled
        ? {
            enabled: true,
            caFile: values.trustSource === 'pem' ? optional(values.caFile) : undefined,
            certFile: values.clientAuth === 'pem' ? optional(values.certFile) : undefined,
            keyFile: values.clientAuth === 'pem' ? optional(values.keyFile) : undefined,
            verifyHostname: values.verifyHostname,
            truststore,
            keystore,
          }
        : { enabled: false, verifyHostname: true },
      schemaRegistry: registryUrl
        ? { url: registryUrl, username: optional(values.registryUsername), caFile: optional(values.registryCaFile) }
        : undefined,
    },
  };
}
