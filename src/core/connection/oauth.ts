// SASL/OAUTHBEARER tokens for kafkajs: kafkajs asks for a token on every new broker connection and
// leaves fetching, caching and refreshing to us. Three sources: the OAuth 2 client-credentials grant
// (what Kafka's own OAuthBearerLoginCallbackHandler does), a static token, or a command's output.
// Layer-1 core: no `vscode`, no kafkajs.
import { exec } from 'node:child_process';
import { KafkaWorkbenchError, type FailureCause } from '../kafka/errors';
import type { OAuthSettings } from './profile';

export interface OAuthBearerToken {
  value: string;
  extensions?: Record<string, string>;
}

/** What we know of the current token, for messages when the broker refuses it. Never the token itself. */
export interface TokenFacts {
  /** Epoch ms when the token stops being valid, if known. */
  expiresAt?: number;
  issuedAt?: number;
  audience?: string;
  issuer?: string;
  subject?: string;
  scope?: string;
  /** Token endpoint clock minus this machine's, in ms (from the HTTP Date header or the token's iat). */
  clockSkewMs?: number;
}

interface CachedToken {
  value: string;
  facts: TokenFacts;
  /** Epoch ms after which a fresh token is fetched. */
  refreshAt: number;
}

export interface OAuthSourceOptions {
  /** Bound for one token request or command. */
  timeoutMs: number;
  log?: (message: string) => void;
  /** For tests of expiry and skew; defaults to Date.now. */
  now?: () => number;
}

/** Skew beyond which messages mention the clock (Kafka brokers allow 30 s by default). */
const SKEW_WARN_MS = 30_000;
/** A token without a known lifetime (an opaque token from a command) is re-read after this. */
const UNKNOWN_LIFETIME_MS = 60_000;

/** The claims of a JWT, or undefined for an opaque token. The signature is not checked: the broker does that. */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function factsOf(token: string, now: number): TokenFacts {
  const claims = jwtClaims(token);
  if (!claims) return {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v * 1000 : undefined);
  const aud = Array.isArray(claims.aud) ? claims.aud.join(', ') : typeof claims.aud === 'string' ? claims.aud : undefined;
  const issuedAt = num(claims.iat);
  return {
    expiresAt: num(claims.exp),
    issuedAt,
    audience: aud,
    issuer: typeof claims.iss === 'string' ? claims.iss : undefined,
    subject: typeof claims.sub === 'string' ? claims.sub : undefined,
    scope: typeof claims.scope === 'string' ? claims.scope : Array.isArray(claims.scp) ? claims.scp.join(' ') : undefined,
    // iat is when the provider made the token: far from our "now" means the clocks differ.
    clockSkewMs: issuedAt !== undefined && Math.abs(issuedAt - now) > SKEW_WARN_MS ? issuedAt - now : undefined,
  };
}

function fail(message: string, reason: FailureCause = 'authentication-failed', detail?: string): never {
  throw new KafkaWorkbenchError(message, reason, detail);
}

function when(ms: number, now: number): string {
  const delta = Math.round((ms - now) / 1000);
  const at = new Date(ms).toISOString().replace('.000Z', 'Z');
  return delta >= 0 ? `${at} (in ${delta} s)` : `${at} (${-delta} s ago)`;
}

/** A short description of a token's facts for a message; never contains the token. */
export function describeTokenFacts(facts: TokenFacts, now = Date.now()): string {
  const parts: string[] = [];
  if (facts.audience) parts.push(`audience "${facts.audience}"`);
  if (facts.issuer) parts.push(`issuer ${facts.issuer}`);
  if (facts.scope) parts.push(`scope "${facts.scope}"`);
  if (facts.expiresAt !== undefined) parts.push(`${facts.expiresAt < now ? 'expired' : 'expires'} ${when(facts.expiresAt, now)}`);
  return parts.join(', ');
}

/**
 * One connection's token source. {@link token} is what kafkajs' `oauthBearerProvider` calls: it
 * returns the cached token until 80% of its lifetime has passed (as Kafka's Java client does),
 * then fetches a new one; concurrent callers share one request.
 */
export class OAuthTokenSource {
  private cached: CachedToken | undefined;
  private inFlight: Promise<CachedToken> | undefined;
  private lastFacts: TokenFacts | undefined;
  private handedOutAt = 0;
  private readonly now: () => number;

  constructor(
    private readonly settings: OAuthSettings,
    private readonly secrets: { clientSecret?: string; token?: string },
    private readonly options: OAuthSourceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Checks the settings before any socket opens, so a missing field is reported as such. */
  static validate(settings: OAuthSettings | undefined, secrets: { clientSecret?: string; token?: string }): string | undefined {
    if (!settings) return 'SASL/OAUTHBEARER needs its OAuth settings: set them with "Kafka: Edit Connection".';
    switch (settings.mode) {
      case 'client-credentials':
        if (!settings.tokenEndpoint || !/^https?:\/\/\S+$/.test(settings.tokenEndpoint)) {
          return 'OAUTHBEARER needs the token endpoint URL (https://…/token) of your OAuth provider.';
        }
        if (!settings.clientId) return 'OAUTHBEARER needs the OAuth client id.';
        if (!secrets.clientSecret) return `OAUTHBEARER needs the client secret of "${settings.clientId}": enter it with "Kafka: Edit Connection".`;
        return undefined;
      case 'static-token':
        return secrets.token ? undefined : 'OAUTHBEARER with a static token needs the token: paste it with "Kafka: Edit Connection".';
      case 'token-command':
        return settings.tokenCommand?.trim() ? undefined : 'OAUTHBEARER with a token command needs the command that prints the token.';
    }
  }

  /** What is known of the last token (or failed attempt), for explaining a broker's refusal. */
  facts(): TokenFacts | undefined {
    return this.lastFacts;
  }

  /**
   * Whether a token was sent to a broker within the last `withinMs`: only then can a connection
   * closed by the broker be its refusal of the token (kafkajs does not read the refusal itself).
   */
  sentRecently(withinMs: number): boolean {
    return this.handedOutAt > 0 && Date.now() - this.handedOutAt <= withinMs;
  }

  async token(): Promise<OAuthBearerToken> {
    const now = this.now();
    if (!this.cached || now >= this.cached.refreshAt) {
      this.inFlight ??= this.fetch().finally(() => (this.inFlight = undefined));
      this.cached = await this.inFlight;
    }
    const extensions = this.settings.extensions && Object.keys(this.settings.extensions).length > 0 ? this.settings.extensions : undefined;
    this.handedOutAt = Date.now();
    return { value: this.cached.value, extensions };
  }

  private async fetch(): Promise<CachedToken> {
    const { value, facts } =
      this.settings.mode === 'client-credentials'
        ? await this.clientCredentials()
        : this.settings.mode === 'static-token'
          ? this.staticToken()
          : await this.tokenCommand();
    this.lastFacts = facts;
    const now = this.now();
    if (facts.expiresAt !== undefined && facts.expiresAt <= now) {
      const skew = facts.clockSkewMs !== undefined ? ` This machine's clock differs from the token issuer's by ${Math.round(facts.clockSkewMs / 1000)} s: fix the clock.` : '';
      fail(`The OAuth token expired ${when(facts.expiresAt, now)}: ${this.settings.mode === 'static-token' ? 'paste a fresh token' : 'the token source returned an expired token'}.${skew}`);
    }
    const lifetime = facts.expiresAt !== undefined ? facts.expiresAt - now : UNKNOWN_LIFETIME_MS;
    this.options.log?.(`OAuth token obtained (${describeTokenFacts(facts, now) || 'opaque token'})`);
    if (facts.clockSkewMs !== undefined) {
      this.options.log?.(`OAuth: the token issuer's clock differs from this machine's by ${Math.round(facts.clockSkewMs / 1000)} s; brokers allow 30 s by default`);
    }
    return { value, facts, refreshAt: now + Math.max(1000, lifetime * 0.8) };
  }

  private staticToken(): { value: string; facts: TokenFacts } {
    const value = (this.secrets.token ?? '').trim();
    if (!value) fail('OAUTHBEARER with a static token needs the token: paste it with "Kafka: Edit Connection".', 'invalid-input');
    return { value, facts: factsOf(value, this.now()) };
  }

  private tokenCommand(): Promise<{ value: string; facts: TokenFacts }> {
    const command = this.settings.tokenCommand ?? '';
    return new Promise((resolve, reject) => {
      exec(command, { timeout: this.options.timeoutMs, windowsHide: true, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err) {
          const timedOut = err.killed || (err as { signal?: string }).signal === 'SIGTERM';
          // stderr may hold anything the tool printed; keep only its last line, which is the complaint.
          const last = String(stderr).trim().split('\n').pop() ?? '';
          reject(
            new KafkaWorkbenchError(
              timedOut
                ? `The token command did not finish within ${Math.round(this.options.timeoutMs / 1000)} s: run it in a terminal to see what it waits for (a login prompt?).`
                : `The token command failed (exit code ${String(err.code ?? '?')})${last ? `: ${last.slice(0, 300)}` : ''}. Run it in a terminal to check it prints a token.`,
              timedOut ? 'timeout' : 'authentication-failed',
            ),
          );
          return;
        }
        let value = String(stdout).trim();
        // CLIs such as `az account get-access-token` or `gcloud … --format=json` print JSON.
        if (value.startsWith('{')) {
          try {
            const json = JSON.parse(value) as Record<string, unknown>;
            value = String(json.access_token ?? json.accessToken ?? json.token ?? '');
          } catch {
            // not JSON after all: use the text
          }
        }
        if (!value || /\s/.test(value)) {
          reject(new KafkaWorkbenchError('The token command printed no token (expected one line with the token, or JSON with access_token).', 'authentication-failed'));
          return;
        }
        resolve({ value, facts: factsOf(value, this.now()) });
      });
    });
  }

  private async clientCredentials(): Promise<{ value: string; facts: TokenFacts }> {
    const { tokenEndpoint = '', clientId = '', scope, audience } = this.settings;
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope?.trim()) body.set('scope', scope.trim());
    if (audience?.trim()) {
      // Auth0/Okta read `audience`; RFC 8707 providers read `resource`. Each ignores the other.
      body.set('audience', audience.trim());
      body.set('resource', audience.trim());
    }
    // client_secret_basic with form-encoded parts, as RFC 6749 2.3.1 and Kafka's Java client do.
    const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(this.secrets.clientSecret ?? '')}`).toString('base64');
    const started = this.now();
    let response: Response;
    try {
      response = await fetch(tokenEndpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const code = cause?.code ?? (e as Error).name;
      if (code === 'TimeoutError' || (e as Error).name === 'TimeoutError') {
        fail(`The OAuth token endpoint ${tokenEndpoint} did not answer within ${Math.round(this.options.timeoutMs / 1000)} s: check the URL and that it is reachable from here (proxy, VPN).`, 'timeout');
      }
      if (code === 'ECONNREFUSED') fail(`Nothing listens at the OAuth token endpoint ${tokenEndpoint} (connection refused): check the URL and port.`, 'connection-refused');
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') fail(`The host of the OAuth token endpoint ${tokenEndpoint} is unknown: check the URL.`, 'unknown-host');
      fail(`Cannot reach the OAuth token endpoint ${tokenEndpoint}: ${cause?.message ?? (e as Error).message}. Check the URL.`, 'connection-refused');
    }
    const text = await response.text().catch(() => '');
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = typeof json?.error === 'string' ? json.error : undefined;
      const description = typeof json?.error_description === 'string' ? `: ${json.error_description}` : '';
      if (error === 'invalid_client' || response.status === 401) {
        fail(`The OAuth token endpoint refused client "${clientId}" (${error ?? `HTTP ${response.status}`}${description}): check the client id and client secret.`);
      }
      if (error === 'invalid_scope') fail(`The OAuth provider refused the scope "${scope ?? ''}" (invalid_scope${description}): use a scope this client may request.`);
      if (error === 'invalid_target') fail(`The OAuth provider refused the audience "${audience ?? ''}" (invalid_target${description}): use the audience (resource) configured for Kafka.`);
      if (error === 'unauthorized_client') fail(`Client "${clientId}" may not use the client-credentials grant (unauthorized_client${description}): enable it for this client at the provider.`);
      if (error) fail(`The OAuth token endpoint answered ${error}${description} (HTTP ${response.status}).`);
      fail(`The OAuth token endpoint ${tokenEndpoint} answered HTTP ${response.status} without an OAuth error: is this the token endpoint URL?`, 'other');
    }
    const value = typeof json?.access_token === 'string' ? json.access_token : undefined;
    if (!value) fail(`The OAuth token endpoint ${tokenEndpoint} answered without an access_token: is this the token endpoint URL?`, 'other');
    const now = this.now();
    const facts = factsOf(value, now);
    // Lifetime: the JWT's exp when there is one, else expires_in counted from when we asked.
    if (facts.expiresAt === undefined && typeof json?.expires_in === 'number') facts.expiresAt = started + json.expires_in * 1000;
    const date = Date.parse(response.headers.get('date') ?? '');
    if (facts.clockSkewMs === undefined && Number.isFinite(date) && Math.abs(date - now) > SKEW_WARN_MS) facts.clockSkewMs = date - now;
    return { value, facts };
  }
}

/** What to say when a broker refuses our token: what the token was, and what to check. */
export function oauthRefusalHint(tokens: OAuthTokenSource, withinMs = 30_000): string | undefined {
  const facts = tokens.facts();
  const now = Date.now();
  // No token sent lately: a closed connection is the broker going away, not a refusal.
  if (!facts || !tokens.sentRecently(withinMs)) return undefined;
  const described = describeTokenFacts(facts, now);
  const skew =
    facts.clockSkewMs !== undefined
      ? ` This machine's clock differs from the token issuer's by ${Math.round(facts.clockSkewMs / 1000)} s: brokers allow 30 s by default, so fix the clock (NTP).`
      : '';
  return `${described ? `The token had ${described}.` : 'The token is not a JWT, so its claims cannot be shown.'}${skew}`;
}
