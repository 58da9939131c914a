import * as vscode from 'vscode';
import {
  OAUTH_MODES,
  SASL_MECHANISMS,
  SECRET_NAMES,
  secretsInUse,
  type ConnectionProfile,
  type ConnectionSecrets,
  type KeystoreFile,
  type OAuthSettings,
  type SaslMechanism,
} from '../../core/connection/profile';
import type { SecretField } from '../../../webview/src/connectionForm/protocol';
import { staleSecrets } from '../../../webview/src/connectionForm/secretScope';
import { settings } from '../settings';
import { FORM_SECRETS, formValuesOf } from './connectionForm';

const CONNECTIONS_KEY = 'connections';

type SecretName = keyof ConnectionSecrets;

function secretKey(name: string, secret: SecretName): string {
  return `kafkaWorkbench.connection.${name}.${secret}`;
}

/** New secrets for a save: a string sets it, undefined keeps what is stored. */
export type SecretChanges = Partial<Record<SecretName, string | undefined>>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function normalizeOAuth(raw: Partial<OAuthSettings> | undefined): OAuthSettings {
  const mode = OAUTH_MODES.includes(raw?.mode as OAuthSettings['mode']) ? (raw!.mode as OAuthSettings['mode']) : 'client-credentials';
  const extensions: Record<string, string> = {};
  if (raw?.extensions && typeof raw.extensions === 'object') {
    for (const [k, v] of Object.entries(raw.extensions)) if (typeof v === 'string' && k) extensions[k] = v;
  }
  return {
    mode,
    tokenEndpoint: str(raw?.tokenEndpoint),
    clientId: str(raw?.clientId),
    scope: str(raw?.scope),
    audience: str(raw?.audience),
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
    tokenCommand: str(raw?.tokenCommand),
  };
}

function normalizeStore(raw: Partial<KeystoreFile> | undefined): KeystoreFile | undefined {
  const path = str(raw?.path);
  if (!path) return undefined;
  return { path, type: raw?.type === 'JKS' ? 'JKS' : 'PKCS12', alias: str(raw?.alias) };
}

/** Fills in defaults and drops anything unknown, so a hand-edited settings entry cannot break the tree. */
export function normalizeProfile(raw: Partial<ConnectionProfile> & { name?: unknown }): ConnectionProfile | undefined {
  if (typeof raw.name !== 'string' || raw.name.trim() === '') return undefined;
  const servers = Array.isArray(raw.bootstrapServers) ? raw.bootstrapServers.filter((s): s is string => typeof s === 'string') : [];
  const mechanism: SaslMechanism = SASL_MECHANISMS.includes(raw.sasl?.mechanism as SaslMechanism)
    ? (raw.sasl?.mechanism as SaslMechanism)
    : 'none';
  const tls = raw.tls ?? { enabled: false, verifyHostname: true };
  const registry = raw.schemaRegistry && typeof raw.schemaRegistry.url === 'string' && raw.schemaRegistry.url.trim() ? raw.schemaRegistry : undefined;
  return {
    name: raw.name.trim(),
    bootstrapServers: servers,
    clientId: typeof raw.clientId === 'string' && raw.clientId ? raw.clientId : 'kafka-workbench',
    sasl: {
      mechanism,
      username: mechanism === 'none' || mechanism === 'oauthbearer' ? undefined : raw.sasl?.username,
      oauth: mechanism === 'oauthbearer' ? normalizeOAuth(raw.sasl?.oauth) : undefined,
    },
    tls: {
      enabled: tls.enabled === true,
      caFile: tls.caFile || undefined,
      certFile: tls.certFile || undefined,
      keyFile: tls.keyFile || undefined,
      verifyHostname: tls.verifyHostname !== false,
      truststore: normalizeStore(tls.truststore),
      keystore: normalizeStore(tls.keystore),
    },
    schemaRegistry: registry
      ? { url: registry.url.trim(), username: registry.username || undefined, caFile: registry.caFile || undefined }
      : undefined,
  };
}

/**
 * Connection profiles live in the user's settings (`kafkaWorkbench.connections`), so they can be
 * shared and edited as JSON; passwords live only in SecretStorage, keyed by connection name.
 */
export class ConnectionStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  list(): ConnectionProfile[] {
    const raw = vscode.workspace.getConfiguration(settings.section).get<unknown[]>(CONNECTIONS_KEY) ?? [];
    const seen = new Set<string>();
    const profiles: ConnectionProfile[] = [];
    for (const entry of raw) {
      const profile = entry && typeof entry === 'object' ? normalizeProfile(entry as Partial<ConnectionProfile>) : undefined;
      if (profile && !seen.has(profile.name)) {
        seen.add(profile.name);
        profiles.push(profile);
      }
    }
    return profiles;
  }

  get(name: string): ConnectionProfile | undefined {
    return this.list().find((p) => p.name === name);
  }

  /**
   * Adds or replaces a profile; `replacing` names the profile being edited (it may be renamed, and
   * its stored secrets move with it). A secret no longer used by the profile is deleted, and so is
   * one whose endpoint, mechanism or user changed without a new value being given: a password is
   * never sent to a host it was not entered for.
   */
  async save(profile: ConnectionProfile, changes: SecretChanges, replacing?: string): Promise<void> {
    const previous = this.get(replacing ?? profile.name);
    const stale = new Set<SecretName>();
    if (previous) {
      for (const field of Object.keys(staleSecrets(formValuesOf(previous), formValuesOf(profile))) as SecretField[]) stale.add(FORM_SECRETS[field]);
    }
    const others = this.list().filter((p) => p.name !== profile.name && p.name !== replacing);
    await this.write([...others, profile]);
    const inUse = secretsInUse(profile);
    for (const secret of SECRET_NAMES) {
      let value = changes[secret];
      if (replacing && replacing !== profile.name) {
        const old = await this.secrets.get(secretKey(replacing, secret));
        await this.secrets.delete(secretKey(replacing, secret));
        if (!stale.has(secret)) value ??= old;
      }
      if (!inUse[secret] || (stale.has(secret) && value === undefined)) await this.secrets.delete(secretKey(profile.name, secret));
      else if (value !== undefined) await this.secrets.store(secretKey(profile.name, secret), value);
    }
  }

  async remove(name: string): Promise<void> {
    await this.write(this.list().filter((p) => p.name !== name));
    for (const secret of SECRET_NAMES) await this.secrets.delete(secretKey(name, secret));
  }

  async secretsFor(name: string): Promise<ConnectionSecrets> {
    const secrets: ConnectionSecrets = {};
    for (const secret of SECRET_NAMES) secrets[secret] = await this.secrets.get(secretKey(name, secret));
    return secrets;
  }

  async hasSecret(name: string, secret: SecretName): Promise<boolean> {
    return (await this.secrets.get(secretKey(name, secret))) !== undefined;
  }

  private async write(profiles: ConnectionProfile[]): Promise<void> {
    const clean = profiles.map((p) => JSON.parse(JSON.stringify(p)) as ConnectionProfile);
    await vscode.workspace.getConfiguration(settings.section).update(CONNECTIONS_KEY, clean, vscode.ConfigurationTarget.Global);
  }
}
