/**
 * Turns what kafkajs and Node's sockets throw into a message a user can act on. The cause is kept
 * as a small closed set so callers (and tests) can branch on it without parsing text.
 */
export type FailureCause =
  | 'invalid-input'
  | 'connection-refused'
  | 'unknown-host'
  | 'authentication-failed'
  | 'tls-to-plaintext-port'
  | 'listener-mismatch'
  | 'tls-certificate'
  | 'connection-closed'
  | 'timeout'
  | 'unknown-topic'
  | 'other';

/** An error whose message already says what failed and what to do. */
export class KafkaWorkbenchError extends Error {
  constructor(
    message: string,
    readonly reason: FailureCause,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'KafkaWorkbenchError';
  }
}

export interface ConnectionContext {
  servers: readonly string[];
  tls: boolean;
  saslMechanism: string;
  timeoutMs: number;
  /** Says what the client sent when a broker refuses the credentials (OAUTHBEARER: the token's claims). */
  authHint?: () => string | undefined;
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: string;
  type?: string;
  originalError?: unknown;
  cause?: unknown;
}

/** Walks kafkajs' wrapped errors (retries exceeded → original error → socket error) innermost last. */
function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 8) {
    const e = current as ErrorLike;
    chain.push(e);
    current = e.originalError ?? (e.cause instanceof Error ? e.cause : undefined);
  }
  return chain;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Maps any error from connecting or talking to a cluster to a {@link KafkaWorkbenchError}. */
export function explainConnectionError(error: unknown, ctx: ConnectionContext): KafkaWorkbenchError {
  if (error instanceof KafkaWorkbenchError) return error;
  const chain = errorChain(error);
  // Our own message from inside kafkajs (e.g. the OAuth token provider) survives kafkajs' wrapping.
  const own = chain.find((e): e is KafkaWorkbenchError => e instanceof KafkaWorkbenchError);
  if (own) return own;
  const text = chain.map((e) => `${e.name ?? ''} ${e.code ?? ''} ${e.type ?? ''} ${e.message ?? ''}`).join(' | ');
  const detail = chain.map((e) => `${e.name ?? 'Error'}: ${e.message ?? ''}`).join(' <- ');
  const where = ctx.servers.join(', ');
  const has = (pattern: RegExp) => pattern.test(text);

  // kafkajs does not read the broker's OAUTHBEARER error challenge: a refused token shows up as the
  // broker closing the connection right after it. With a token sent, that is what it means.
  const tokenHint = ctx.saslMechanism === 'oauthbearer' ? ctx.authHint?.() : undefined;
  if (
    tokenHint !== undefined &&
    has(/SASLAuthentication|Authentication failed|SASL_AUTHENTICATION_FAILED|invalid credentials|invalid_token|No brokers in the broker pool|Closed connection|ECONNRESET|socket hang up/i)
  ) {
    return new KafkaWorkbenchError(
      `The broker at ${where} rejected the OAuth token (SASL/OAUTHBEARER). ${tokenHint} ` +
        "Check that the token's audience, issuer and scope are the ones the listener expects, and that it is not expired.",
      'authentication-failed',
      detail,
    );
  }
  if (has(/SASLAuthentication|Authentication failed|SASL_AUTHENTICATION_FAILED|invalid credentials/i)) {
    return new KafkaWorkbenchError(
      `Authentication failed at ${where} (${ctx.saslMechanism.toUpperCase()}): the broker rejected the user name or password. ` +
        'Check both with "Kafka: Edit Connection", and that the mechanism matches the listener.',
      'authentication-failed',
      detail,
    );
  }
  if (has(/UNSUPPORTED_SASL_MECHANISM|not (?:enabled|supported).*mechanism|mechanism.*not (?:enabled|supported)/i)) {
    return new KafkaWorkbenchError(
      `The broker at ${where} does not accept SASL mechanism ${ctx.saslMechanism.toUpperCase()}: pick one its listener enables.`,
      'authentication-failed',
      detail,
    );
  }
  if (has(/ENOTFOUND|EAI_AGAIN|getaddrinfo/)) {
    return new KafkaWorkbenchError(
      `Host not found for ${where}: check the host name in the bootstrap servers (DNS could not resolve it).`,
      'unknown-host',
      detail,
    );
  }
  if (has(/ECONNREFUSED/)) {
    return new KafkaWorkbenchError(
      `Nothing is listening at ${where} (connection refused): the broker is down or the host/port is wrong. ` +
        'Start the broker (or "Kafka: Start Local Broker") and check the bootstrap servers.',
      'connection-refused',
      detail,
    );
  }
  if (has(/Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME/i)) {
    return new KafkaWorkbenchError(
      `The TLS certificate of ${where} is issued to another host name: connect with the name in the certificate, ` +
        'or turn off host name verification for this connection.',
      'tls-certificate',
      detail,
    );
  }
  if (has(/CERT_|certificate|self[- ]signed|unable to verify/i)) {
    const reason = (chain[chain.length - 1]?.message ?? 'verification failed').replace(/^Connection error: /, '');
    return new KafkaWorkbenchError(
      `The TLS certificate of ${where} was not accepted (${reason}): set the CA file that signed the broker's certificate.`,
      'tls-certificate',
      detail,
    );
  }
  if (has(/ILLEGAL_SASL_STATE|current SASL state/i)) {
    return new KafkaWorkbenchError(
      `The listener at ${where} does not use SASL (it refused the SASL handshake): set authentication to None, ` +
        'or use the port of the broker\'s SASL listener.',
      'listener-mismatch',
      detail,
    );
  }
  if (ctx.tls && has(/wrong version number|packet length too long|before secure TLS connection|ECONNRESET|EPROTO|Connection closed/i)) {
    return new KafkaWorkbenchError(
      `TLS handshake with ${where} failed: this port does not seem to speak TLS. ` +
        'Turn TLS off for this connection, or use the broker\'s TLS (SSL/SASL_SSL) listener port.',
      'tls-to-plaintext-port',
      detail,
    );
  }
  if (has(/RequestTimeout|timed? ?out|ETIMEDOUT/i)) {
    return timeoutError(ctx, detail);
  }
  if (!ctx.tls && has(/ConnectionClosed|Connection closed|ECONNRESET|EPIPE|socket hang up/i)) {
    return plaintextClosedError(ctx, detail);
  }
  const last = chain[chain.length - 1];
  return new KafkaWorkbenchError(
    `Kafka request to ${where} failed: ${last?.message ?? String(error)}.`,
    'other',
    detail,
  );
}

function plaintextClosedError(ctx: ConnectionContext, detail?: string): KafkaWorkbenchError {
  const where = ctx.servers.join(', ');
  const hint =
    ctx.saslMechanism === 'none'
      ? 'If the listener uses TLS, turn TLS on for this connection; if it uses SASL, set the mechanism, user and password.'
      : 'If the listener uses TLS, turn TLS on for this connection.';
  return new KafkaWorkbenchError(
    `The broker at ${where} closed the connection before answering: the port probably expects TLS or SASL. ${hint}`,
    'listener-mismatch',
    detail,
  );
}

/** The error for a cluster that gave no usable answer within the deadline. */
export function timeoutError(ctx: ConnectionContext, detail?: string): KafkaWorkbenchError {
  const where = ctx.servers.join(', ');
  const tlsHint = ctx.tls
    ? 'If the port is a plaintext listener, turn TLS off.'
    : 'If the port is a TLS listener, turn TLS on for this connection.';
  return new KafkaWorkbenchError(
    `No answer from ${where} within ${seconds(ctx.timeoutMs)}: the broker may be down, unreachable, or speaking another protocol. ` +
      `${tlsHint} The limit is the setting kafkaWorkbench.connectionTimeoutSeconds.`,
    'timeout',
    detail,
  );
}
