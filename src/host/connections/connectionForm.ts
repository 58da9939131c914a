import {
  SASL_MECHANISMS,
  parseBootstrapServers,
  validateBootstrapServers,
  type ConnectionProfile,
} from '../../core/connection/profile';
import type { ConnectionFormValues, FieldErrors } from '../../../webview/src/connectionForm/protocol';

export function formValuesOf(profile: ConnectionProfile | undefined): ConnectionFormValues {
  return {
    name: profile?.name ?? '',
    bootstrapServers: profile?.bootstrapServers.join(', ') ?? '127.0.0.1:9092',
    clientId: profile?.clientId ?? 'kafka-workbench',
    mechanism: profile?.sasl.mechanism ?? 'none',
    username: profile?.sasl.username ?? '',
    password: '',
    tlsEnabled: profile?.tls.enabled ?? false,
    caFile: profile?.tls.caFile ?? '',
    certFile: profile?.tls.certFile ?? '',
    keyFile: profile?.tls.keyFile ?? '',
    verifyHostname: profile?.tls.verifyHostname ?? true,
    registryUrl: profile?.schemaRegistry?.url ?? '',
    registryUsername: profile?.schemaRegistry?.username ?? '',
    registryPassword: '',
    registryCaFile: profile?.schemaRegistry?.caFile ?? '',
  };
}

/** Checks the form and builds the profile; every problem is reported against its field. */
export function profileFromForm(
  values: ConnectionFormValues,
  takenNames: readonly string[],
): { profile?: ConnectionProfile; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Enter a name for this connection.';
  else if (takenNames.includes(name)) errors.name = `A connection named "${name}" exists: choose another name.`;
  const servers = parseBootstrapServers(values.bootstrapServers);
  const serverProblem = validateBootstrapServers(servers);
  if (serverProblem) errors.bootstrapServers = serverProblem;
  const mechanism = SASL_MECHANISMS.includes(values.mechanism) ? values.mechanism : 'none';
  if (mechanism !== 'none' && !values.username.trim()) errors.username = `SASL ${mechanism.toUpperCase()} needs a user name.`;
  if (values.tlsEnabled && values.certFile.trim() && !values.keyFile.trim()) errors.keyFile = 'A client certificate needs its private key file.';
  const registryUrl = values.registryUrl.trim();
  if (registryUrl && !/^https?:\/\/[^\s/]+/.test(registryUrl)) errors.registryUrl = 'Enter the registry URL as http(s)://host:port, for example http://localhost:8081.';
  if (Object.keys(errors).length > 0) return { errors };
  const optional = (s: string) => s.trim() || undefined;
  return {
    errors,
    profile: {
      name,
      bootstrapServers: servers,
      clientId: values.clientId.trim() || 'kafka-workbench',
      sasl: { mechanism, username: mechanism === 'none' ? undefined : values.username.trim() },
      tls: values.tlsEnabled
        ? {
            enabled: true,
            caFile: optional(values.caFile),
            certFile: optional(values.certFile),
            keyFile: optional(values.keyFile),
            verifyHostname: values.verifyHostname,
          }
        : { enabled: false, verifyHostname: true },
      schemaRegistry: registryUrl
        ? { url: registryUrl, username: optional(values.registryUsername), caFile: optional(values.registryCaFile) }
        : undefined,
    },
  };
}
