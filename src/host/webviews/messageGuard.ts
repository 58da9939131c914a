// A runtime check of what a webview posts to the host. The webview is our own code, but it renders
// untrusted data (records, broker and registry strings); if anything ever runs script in it, the
// host boundary is where a forged message must stop. Each webview's host declares a schema for its
// protocol.ts request union with the checkers below; the mapped types make the compiler insist that
// the schema names every field of every message with the right type, so the check cannot drift from
// protocol.ts. A small hand-written checker instead of zod/valibot: the protocols are flat objects of
// strings, numbers, booleans and string enums, so ~80 lines cover them with no new dependency in
// the extension bundle, and the error text names the exact field for the log.
import type * as vscode from 'vscode';

/** Checks one value; returns a description of the first problem, or undefined when it fits. */
export type Check<T> = ((value: unknown, path: string) => string | undefined) & { readonly __type?: T };

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `a string of ${value.length} characters` : `a ${typeof value}`;
}

export function str(maxLength = 64 * 1024): Check<string> {
  return (v, p) =>
    typeof v !== 'string' ? `${p} should be a string, not ${describe(v)}` : v.length > maxLength ? `${p} is longer than ${maxLength} characters` : undefined;
}

export function bool(): Check<boolean> {
  return (v, p) => (typeof v === 'boolean' ? undefined : `${p} should be true or false, not ${describe(v)}`);
}

/** A safe integer (request ids, offsets within Number's exact range, counts). */
export function int(min = 0): Check<number> {
  return (v, p) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= min ? undefined : `${p} should be an integer >= ${min}`);
}

/** One of a fixed set of strings (a protocol's string-literal union). */
export function oneOf<const T extends string>(values: readonly T[]): Check<T> {
  return (v, p) => (values.includes(v as T) ? undefined : `${p} should be one of ${values.join(', ')}`);
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (v, p) => (v === undefined ? undefined : check(v, p));
}

/** A string of a given form (an offset's digits); `what` says the form in the log line. */
export function matching(pattern: RegExp, what: string, maxLength = 64): Check<string> {
  return (v, p) => str(maxLength)(v, p) ?? (pattern.test(v as string) ? undefined : `${p} should be ${what}`);
}

/** A number within the safe range, not necessarily whole (a scroll position may be fractional). */
export function num(min = 0): Check<number> {
  return (v, p) => (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= Number.MAX_SAFE_INTEGER ? undefined : `${p} should be a number >= ${min}`);
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (v, p) => (v === null ? undefined : check(v, p));
}

/** An array of at most `max` items, each checked (header rows). */
export function arrayOf<T>(check: Check<T>, max = 1000): Check<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return `${p} should be an array, not ${describe(v)}`;
    if (v.length > max) return `${p} has more than ${max} items`;
    for (let i = 0; i < v.length; i++) {
      const problem = check(v[i], `${p}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** A plain object used as a map of at most `max` keys (which sections are open). */
export function recordOf<T>(check: Check<T>, max = 100): Check<Record<string, T>> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p} should be an object, not ${describe(v)}`;
    const entries = Object.entries(v);
    if (entries.length > max) return `${p} has more than ${max} keys`;
    for (const [key, value] of entries) {
      const problem = str(200)(key, `${p} key`) ?? check(value, `${p}.${key.slice(0, 40)}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** Every key of T, each with its checker; unknown keys are refused too (nothing extra rides along). */
export type Shape<T> = { [K in keyof T]-?: Check<T[K]> };

export function object<T>(shape: Shape<T>): Check<T> {
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return `${p} should be an object, not ${describe(v)}`;
    for (const key of Object.keys(v)) if (!(key in shape)) return `${p}.${key} is not part of the message`;
    for (const [key, check] of Object.entries(shape) as [string, Check<unknown>][]) {
      const problem = check((v as Record<string, unknown>)[key], `${p}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** A schema per message type of a `{ type: ... }` union: the rest of each message's fields. */
export type MessageSchema<M extends { type: string }> = { [T in M['type']]: Shape<Omit<Extract<M, { type: T }>, 'type'>> };

/** Checks a whole message; returns it typed, or the reason it was refused. */
export function checkMessage<M extends { type: string }>(schema: MessageSchema<M>, message: unknown): { message: M } | { problem: string } {
  if (typeof message !== 'object' || message === null) return { problem: `the message should be an object, not ${describe(message)}` };
  const type = (message as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(schema, type)) {
    return { problem: `unknown message type ${JSON.stringify(String(type)).slice(0, 60)}` };
  }
  const shape = schema[type as M['type']] as Shape<Record<string, unknown>>;
  const problem = object<Record<string, unknown>>({ ...shape, type: () => undefined })(message, 'message');
  return problem ? { problem } : { message: message as M };
}

/**
 * Subscribes to a webview's messages through the schema: a message that does not fit is logged
 * (its type and the first problem, never its content, which may hold a password) and dropped.
 */
export function onCheckedMessage<M extends { type: string }>(
  webview: vscode.Webview,
  schema: MessageSchema<M>,
  what: string,
  log: { warn(message: string): void },
  handler: (message: M) => unknown,
): vscode.Disposable {
  return webview.onDidReceiveMessage((raw: unknown) => {
    const checked = checkMessage(schema, raw);
    if ('problem' in checked) {
      log.warn(`dropped a message from the ${what} webview: ${checked.problem}`);
      return;
    }
    return handler(checked.message);
  });
}
