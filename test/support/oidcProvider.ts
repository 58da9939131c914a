// A real OpenID provider on loopback for the OAUTHBEARER tests: panva's `oidc-provider` (a certified
// implementation), configured for the OAuth 2 client-credentials grant with JWT access tokens
// (resource indicators). Kafka's OAuthBearerValidatorCallbackHandler checks those JWTs against
// this provider's JWKS. No hand-written token stub.
//
// The signing key and the port are kept in `<dir>/oidc.json`, so a broker left running from an
// earlier run (whose JWKS URL names this port) keeps validating tokens from a restarted provider.
import { generateKeyPairSync } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { findFreePort, isPortFree } from '../../src/core/broker/localBroker';

/** The clients the provider knows; secrets guard nothing (loopback, tests only). */
export const OIDC_CLIENTS = {
  /** Gets tokens for the broker's audience. */
  good: { id: 'kafka-client', secret: 'kafka-client-secret' },
  /** Same provider, but its tokens name another audience: the broker must refuse them. */
  otherAudience: { id: 'other-client', secret: 'other-client-secret' },
};
/** The audience (resource indicator) the OAuth broker expects. */
export const KAFKA_AUDIENCE = 'urn:kafka:workbench-test';
export const OTHER_AUDIENCE = 'urn:other:service';
export const KAFKA_SCOPE = 'kafka';

export interface OidcProvider {
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  port: number;
  /** Access-token lifetime in seconds for the good client. */
  tokenTtlSeconds: number;
  /** Token requests the provider answered (any outcome), to check caching and refresh. */
  tokenRequests(): number;
  stop(): Promise<void>;
}

interface Saved {
  port: number;
  jwk: Record<string, unknown>;
}

async function loadOrCreate(dir: string): Promise<Saved> {
  const file = path.join(dir, 'oidc.json');
  try {
    const saved = JSON.parse(await fsp.readFile(file, 'utf8')) as Saved;
    if (saved.jwk && saved.port && (await isPortFree(saved.port))) return saved;
    if (saved.jwk) {
      const next = { ...saved, port: await findFreePort() };
      await fsp.writeFile(file, JSON.stringify(next));
      return next;
    }
  } catch {
    // first run
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>), kid: 'kw-test-1', use: 'sig', alg: 'RS256' };
  const saved = { port: await findFreePort(), jwk };
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(file, JSON.stringify(saved), { mode: 0o600 });
  return saved;
}

/** Starts the provider on 127.0.0.1 (the port of the last run in `dir` when free). */
export async function startOidcProvider(dir: string, tokenTtlSeconds = 300): Promise<OidcProvider> {
  const saved = await loadOrCreate(dir);
  // oidc-provider is ESM; Node 20.19+ loads it through require().
  const { Provider } = (await import('oidc-provider')) as typeof import('oidc-provider');
  const issuer = `http://127.0.0.1:${saved.port}`;
  let requests = 0;
  const provider = new Provider(issuer, {
    clients: [OIDC_CLIENTS.good, OIDC_CLIENTS.otherAudience].map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [saved.jwk as never] },
    scopes: [KAFKA_SCOPE],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // A request without `resource` still gets a JWT for the client's own audience.
        defaultResource: (ctx) => (ctx.oidc.client?.clientId === OIDC_CLIENTS.otherAudience.id ? OTHER_AUDIENCE : KAFKA_AUDIENCE),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => ({
          scope: KAFKA_SCOPE,
          audience: resource,
          accessTokenTTL: tokenTtlSeconds,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  provider.on('grant.success', () => requests++);
  provider.on('grant.error', () => requests++);
  const server: Server = await new Promise((resolve, reject) => {
    const s = provider.listen(saved.port, '127.0.0.1', () => resolve(s as Server));
    (s as Server).once('error', reject);
  });
  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    jwksUri: `${issuer}/jwks`,
    port: saved.port,
    tokenTtlSeconds,
    tokenRequests: () => requests,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
