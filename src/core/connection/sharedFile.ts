// The team's shared connection file, `.vscode/kafka-connections.json`: connection settings without
// any secret, plus the names of the secrets each one needs, so a teammate's editor can ask for them.
// Paths inside the workspace are written as ${workspaceFolder}/..., so the file works on any checkout.
// Layer-1 core: no `vscode`.
import * as path from 'node:path';
import { secretsInUse, type ConnectionProfile, type ConnectionSecrets } from './profile';

export const SHARED_FILE = path.join('.vscode', 'kafka-connections.json');
const FOLDER = '${workspaceFolder}';

export interface SharedConnection {
  profile: ConnectionProfile;
  /** Secrets the connection needs; their values are never in the file. */
  secrets: (keyof ConnectionSecrets)[];
}

export interface SharedFile {
  version: 1;
  connections: (ConnectionProfile & { secrets: (keyof ConnectionSecrets)[] })[];
}

function mapPaths(profile: ConnectionProfile, map: (p: string) => string): ConnectionProfile {
  const copy = JSON.parse(JSON.stringify(profile)) as ConnectionProfile;
  const t = copy.tls;
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) if (t[key]) t[key] = map(t[key]);
  if (t.truststore) t.truststore.path = map(t.truststore.path);
  if (t.keystore) t.keystore.path = map(t.keystore.path);
  if (copy.schemaRegistry?.caFile) copy.schemaRegistry.caFile = map(copy.schemaRegistry.caFile);
  return copy;
}

/** The file's JSON for these connections; paths under `workspaceRoot` become ${workspaceFolder}/…. */
export function toSharedFile(profiles: readonly ConnectionProfile[], workspaceRoot: string): string {
  const file: SharedFile = {
    version: 1,
    connections: profiles.map((p) => {
      const inUse = secretsInUse(p);
      const profile = mapPaths(p, (abs) => {
        const rel = path.relative(workspaceRoot, abs);
        return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `${FOLDER}/${rel.split(path.sep).join('/')}` : abs;
      });
      return { ...profile, secrets: (Object.keys(inUse) as (keyof ConnectionSecrets)[]).filter((k) => inUse[k]) };
    }),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Reads the file; ${workspaceFolder} is expanded. Throws a message saying what is wrong with it. */
export function fromSharedFile(text: string, workspaceRoot: string): SharedConnection[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${SHARED_FILE} is not valid JSON (${(e as Error).message}): fix or delete it.`);
  }
  const connections = (json as Partial<SharedFile>)?.connections;
  if (!Array.isArray(connections)) throw new Error(`${SHARED_FILE} has no "connections" list.`);
  return connections
    .filter((c) => c && typeof c === 'object' && typeof c.name === 'string')
    .map((c) => {
      const { secrets, ...profile } = c;
      return {
        profile: mapPaths(profile as ConnectionProfile, (p) => (p.startsWith(FOLDER) ? path.join(workspaceRoot, p.slice(FOLDER.length)) : p)),
        secrets: Array.isArray(secrets) ? secrets.filter((s): s is keyof ConnectionSecrets => typeof s === 'string') : [],
      };
    });
}

/** Words for asking a teammate for one secret of a connection. */
export function secretPrompt(profile: ConnectionProfile, secret: keyof ConnectionSecrets): string {
  const user = profile.sasl.username ? ` of user "${profile.sasl.username}"` : '';
  switch (secret) {
    case 'saslPassword':
      return `SASL password${user} for "${profile.name}"`;
    case 'registryPassword':
      return `Schema Registry password of "${profile.schemaRegistry?.username ?? ''}" for "${profile.name}"`;
    case 'oauthClientSecret':
      return `OAuth client secret of "${profile.sasl.oauth?.clientId ?? ''}" for "${profile.name}"`;
    case 'oauthToken':
      return `OAuth token for "${profile.name}"`;
    case 'truststorePassword':
      return `Trust store password (${profile.tls.truststore?.path ?? ''}) for "${profile.name}"`;
    case 'keystorePassword':
      return `Key store password (${profile.tls.keystore?.path ?? ''}) for "${profile.name}"`;
    case 'keyPassword':
      return `Private key password for "${profile.name}" (leave empty if it has none or it is the store's)`;
  }
}
