import { button, checkbox, dropdown, statusLine, textField, type Field } from '../components/controls';
import { onHostMessage, vscodeApi } from '../components/vscodeApi';
import type {
  ClientAuth,
  ConnectionFormValues,
  FieldErrors,
  FormMessage,
  FormRequest,
  Mechanism,
  OAuthMode,
  PemField,
  PresetInfo,
  SecretField,
  TrustSource,
} from './protocol';
import { cleartextWarnings, staleSecrets } from './secretScope';

const api = vscodeApi<FormRequest>();
let nextRequestId = 1;
let presets: PresetInfo[] = [];
const KEEP = 'Leave empty to keep the stored value.';
const SECRET_HINT = "Kept in VS Code's secret storage only.";

const fields = {
  preset: dropdown<string>({ id: 'preset', label: 'Start from', choices: [{ value: '', label: 'Blank connection' }] }),
  name: textField({ id: 'name', label: 'Name', placeholder: 'local' }),
  bootstrapServers: textField({
    id: 'bootstrapServers',
    label: 'Bootstrap servers',
    placeholder: '127.0.0.1:9092',
    hint: 'host:port of one or more brokers, separated by commas',
  }),
  clientId: textField({ id: 'clientId', label: 'Client id', placeholder: 'kafka-workbench' }),
  mechanism: dropdown<Mechanism>({
    id: 'mechanism',
    label: 'Mechanism',
    choices: [
      { value: 'none', label: 'None' },
      { value: 'plain', label: 'SASL/PLAIN' },
      { value: 'scram-sha-256', label: 'SASL/SCRAM-SHA-256' },
      { value: 'scram-sha-512', label: 'SASL/SCRAM-SHA-512' },
      { value: 'oauthbearer', label: 'SASL/OAUTHBEARER (OAuth 2)' },
    ],
  }),
  username: textField({ id: 'username', label: 'User name' }),
  password: textField({ id: 'password', label: 'Password', password: true, hint: SECRET_HINT }),
  oauthMode: dropdown<OAuthMode>({
    id: 'oauthMode',
    label: 'Token from',
    choices: [
      { value: 'client-credentials', label: 'OAuth client credentials' },
      { value: 'static-token', label: 'A token I paste' },
      { value: 'token-command', label: 'A command that prints a token' },
    ],
  }),
  tokenEndpoint: textField({ id: 'tokenEndpoint', label: 'Token endpoint URL', placeholder: 'https://idp.example.com/oauth2/token' }),
  oauthClientId: textField({ id: 'oauthClientId', label: 'Client id' }),
  oauthClientSecret: textField({ id: 'oauthClientSecret', label: 'Client secret', password: true, hint: SECRET_HINT }),
  oauthScope: textField({ id: 'oauthScope', label: 'Scope (optional)', placeholder: 'kafka' }),
  oauthAudience: textField({ id: 'oauthAudience', label: 'Audience (optional)', placeholder: 'api://kafka' }),
  oauthExtensions: textField({ id: 'oauthExtensions', label: 'SASL extensions (optional)', placeholder: 'logicalCluster=lkc-123, identityPoolId=pool-456' }),
  oauthToken: textField({ id: 'oauthToken', label: 'Token', password: true, hint: SECRET_HINT }),
  tokenCommand: textField({ id: 'tokenCommand', label: 'Token command', placeholder: 'az account get-access-token --query accessToken -o tsv', hint: 'Its output (a token, or JSON with access_token) is used; run again before the token expires.' }),
  tlsEnabled: checkbox({ id: 'tlsEnabled', label: 'Use TLS (SSL or SASL_SSL listener)' }),
  trustSource: dropdown<TrustSource>({
    id: 'trustSource',
    label: 'Trust',
    choices: [
      { value: 'system', label: "System's trusted CAs" },
      { value: 'pem', label: 'CA certificate (PEM file)' },
      { value: 'pkcs12', label: 'Trust store (PKCS12)' },
      { value: 'jks', label: 'Trust store (JKS)' },
    ],
  }),
  caFile: textField({ id: 'caFile', label: 'CA certificate file' }),
  truststoreFile: textField({ id: 'truststoreFile', label: 'Trust store file' }),
  truststorePassword: textField({ id: 'truststorePassword', label: 'Trust store password', password: true, hint: SECRET_HINT }),
  clientAuth: dropdown<ClientAuth>({
    id: 'clientAuth',
    label: 'Client certificate (mutual TLS)',
    choices: [
      { value: 'none', label: 'None' },
      { value: 'pem', label: 'PEM certificate and key files' },
      { value: 'pkcs12', label: 'Key store (PKCS12)' },
      { value: 'jks', label: 'Key store (JKS)' },
    ],
  }),
  certFile: textField({ id: 'certFile', label: 'Client certificate file' }),
  keyFile: textField({ id: 'keyFile', label: 'Client key file' }),
  keystoreFile: textField({ id: 'keystoreFile', label: 'Key store file' }),
  keystoreAlias: textField({ id: 'keystoreAlias', label: 'Alias (when it holds several keys)' }),
  keystorePassword: textField({ id: 'keystorePassword', label: 'Key store password', password: true, hint: SECRET_HINT }),
  keyPassword: textField({ id: 'keyPassword', label: 'Key password (if different)', password: true, hint: 'ssl.key.password; empty: the store password.' }),
  verifyHostname: checkbox({ id: 'verifyHostname', label: "Verify that the broker's certificate names its host" }),
  registryUrl: textField({
    id: 'registryUrl',
    label: 'Schema Registry URL (optional)',
    placeholder: 'http://localhost:8081',
    hint: 'A Confluent-compatible registry, for Avro records in the Confluent wire format',
  }),
  registryUsername: textField({ id: 'registryUsername', label: 'Registry user name (basic auth, optional)' }),
  registryPassword: textField({ id: 'registryPassword', label: 'Registry password', password: true, hint: SECRET_HINT }),
  registryCaFile: textField({ id: 'registryCaFile', label: 'Registry CA certificate (PEM file, for https with a private CA)' }),
} satisfies { [K in keyof ConnectionFormValues]: Field<ConnectionFormValues[K]> };

type Key = keyof ConnectionFormValues;

const status = statusLine('status');
const presetHelp = document.createElement('div');
presetHelp.className = 'field-hint preset-help';
presetHelp.id = 'presetHelp';
const pendingFiles = new Map<number, PemField>();
/** The values the form opened with, and which secrets were stored for them (edit mode). */
let initial: ConnectionFormValues | undefined;
let storedSecrets: Partial<Record<SecretField, boolean>> = {};

/** A line under a field for a warning that does not block (clear-text secrets, a stale secret). */
function warningLine(key: Key): HTMLElement {
  const root = fields[key].root;
  let line = root.querySelector<HTMLElement>('.field-warning');
  if (!line) {
    line = document.createElement('div');
    line.className = 'field-warning';
    line.id = `${key}-warning`;
    line.setAttribute('role', 'status');
    root.querySelector('.field-error')?.before(line);
  }
  return line;
}

/**
 * Says on each stored secret whether it is still kept or must be typed again because what it
 * belongs to changed, and warns about secrets that would travel in clear text.
 */
function updateSecretHints(): void {
  const now = values();
  const stale = initial ? staleSecrets(initial, now) : {};
  for (const [key, stored] of Object.entries(storedSecrets) as [SecretField, boolean][]) {
    const hint = fields[key].root.querySelector('.field-hint');
    if (!stored || !hint) continue;
    hint.textContent = stale[key] ?? KEEP;
    hint.classList.toggle('stale', Boolean(stale[key]));
  }
  const warnings = cleartextWarnings(now);
  warningLine('mechanism').textContent = warnings.mechanism ?? '';
  warningLine('registryUsername').textContent = warnings.registryUsername ?? '';
}

function values(): ConnectionFormValues {
  const out = {} as Record<string, unknown>;
  for (const [key, f] of Object.entries(fields)) out[key] = (f as Field<unknown>).get();
  return out as unknown as ConnectionFormValues;
}

function showErrors(errors: FieldErrors): void {
  for (const [key, f] of Object.entries(fields)) (f as Field<unknown>).setError(errors[key as Key]);
}

function show(keys: Key[], visible: boolean): void {
  for (const key of keys) {
    fields[key].setVisible(visible);
    if (key in browseButtons) browseButtons[key as PemField].hidden = !visible;
  }
}

function updateVisibility(): void {
  const mechanism = fields.mechanism.get();
  show(['username', 'password'], mechanism !== 'none' && mechanism !== 'oauthbearer');
  const oauth = mechanism === 'oauthbearer';
  const mode = fields.oauthMode.get();
  show(['oauthMode', 'oauthExtensions'], oauth);
  show(['tokenEndpoint', 'oauthClientId', 'oauthClientSecret', 'oauthScope', 'oauthAudience'], oauth && mode === 'client-credentials');
  show(['oauthToken'], oauth && mode === 'static-token');
  show(['tokenCommand'], oauth && mode === 'token-command');
  const tls = fields.tlsEnabled.get();
  const trust = fields.trustSource.get();
  const client = fields.clientAuth.get();
  show(['trustSource', 'clientAuth', 'verifyHostname'], tls);
  show(['caFile'], tls && trust === 'pem');
  show(['truststoreFile', 'truststorePassword'], tls && (trust === 'pkcs12' || trust === 'jks'));
  show(['certFile', 'keyFile'], tls && client === 'pem');
  show(['keystoreFile', 'keystoreAlias', 'keystorePassword'], tls && (client === 'pkcs12' || client === 'jks'));
  show(['keyPassword'], tls && client !== 'none');
  const registry = fields.registryUrl.get().trim() !== '';
  show(['registryUsername', 'registryCaFile'], registry);
  show(['registryPassword'], registry && fields.registryUsername.get().trim() !== '');
  // A row whose fields are all hidden takes no space.
  for (const r of document.querySelectorAll<HTMLElement>('.row')) r.hidden = [...r.children].every((c) => (c as HTMLElement).hidden);
}

function setLabel(key: Key, text: string): void {
  const label = fields[key].root.querySelector('.field-label');
  if (label) label.textContent = text;
}

/** Fills what a managed service always needs; leaves the name, hosts and secrets to the user. */
function applyPreset(id: string): void {
  const preset = presets.find((p) => p.id === id);
  presetHelp.textContent = preset?.help ?? '';
  setLabel('username', preset?.usernameLabel ?? 'User name');
  setLabel('password', preset?.passwordLabel ?? 'Password');
  if (!preset) return updateVisibility();
  fields.mechanism.set(preset.mechanism);
  fields.tlsEnabled.set(preset.tls);
  fields.trustSource.set(preset.trust);
  fields.clientAuth.set(preset.clientAuth);
  fields.verifyHostname.set(true);
  fields.bootstrapServers.root.querySelector('vscode-text-field')?.setAttribute('placeholder', preset.bootstrapPlaceholder);
  if (/^127\.0\.0\.1:9092$/.test(fields.bootstrapServers.get().trim())) fields.bootstrapServers.set('');
  updateVisibility();
}

function post(message: FormRequest): void {
  api.postMessage(message);
}

function browseButton(field: PemField): HTMLElement {
  return button({
    id: `browse-${field}`,
    label: 'Browse…',
    secondary: true,
    onClick: () => {
      const requestId = nextRequestId++;
      pendingFiles.set(requestId, field);
      post({ type: 'pickFile', requestId, field });
    },
  });
}

const browseButtons: Record<PemField, HTMLElement> = {
  caFile: browseButton('caFile'),
  certFile: browseButton('certFile'),
  keyFile: browseButton('keyFile'),
  registryCaFile: browseButton('registryCaFile'),
  truststoreFile: browseButton('truststoreFile'),
  keystoreFile: browseButton('keystoreFile'),
};

const testButton = button({
  id: 'test',
  label: 'Test Connection',
  secondary: true,
  onClick: () => {
    // One test at a time; the host always answers (even when it fails), which re-enables the button.
    testButton.disabled = true;
    status.show('Testing…', 'busy');
    post({ type: 'test', requestId: nextRequestId++, values: values() });
  },
});
const saveButton = button({
  id: 'save',
  label: 'Save',
  onClick: () => {
    saveButton.disabled = true;
    post({ type: 'save', requestId: nextRequestId++, values: values() });
  },
});
const cancelButton = button({ id: 'cancel', label: 'Cancel', secondary: true, onClick: () => post({ type: 'cancel' }) });

/** Fields side by side where there is room (they wrap one under the other in a narrow editor). */
function row(...keys: Key[]): HTMLElement {
  const div = document.createElement('div');
  div.className = 'row';
  for (const key of keys) {
    const root = fields[key].root;
    if (key in browseButtons) {
      const line = document.createElement('div');
      line.className = 'with-button';
      const control = root.querySelector('vscode-text-field');
      if (control) {
        control.replaceWith(line);
        line.append(control, browseButtons[key as PemField]);
      }
    }
    div.append(root);
  }
  return div;
}

function section(title: string, ...children: HTMLElement[]): HTMLElement {
  const el = document.createElement('section');
  el.setAttribute('aria-label', title);
  const h = document.createElement('h3');
  h.textContent = title;
  el.append(h, ...children);
  return el;
}

function render(mode: 'add' | 'edit'): void {
  const form = document.getElementById('app');
  if (!form) return;
  form.replaceChildren();
  form.classList.add('connection-form');
  const heading = document.createElement('h2');
  heading.textContent = mode === 'add' ? 'Add Kafka Connection' : 'Edit Kafka Connection';
  form.append(heading);
  if (mode === 'add') form.append(row('preset'), presetHelp);
  form.append(
    section('Cluster', row('name', 'clientId'), row('bootstrapServers')),
    section(
      'Authentication',
      row('mechanism'),
      row('username', 'password'),
      row('oauthMode'),
      row('tokenEndpoint'),
      row('oauthClientId', 'oauthClientSecret'),
      row('oauthScope', 'oauthAudience'),
      row('oauthToken'),
      row('tokenCommand'),
      row('oauthExtensions'),
    ),
    section(
      'TLS',
      row('tlsEnabled'),
      row('trustSource'),
      row('caFile'),
      row('truststoreFile'),
      row('truststorePassword'),
      row('clientAuth'),
      row('certFile'),
      row('keyFile'),
      row('keystoreFile'),
      row('keystoreAlias', 'keystorePassword'),
      row('keyPassword'),
      row('verifyHostname'),
    ),
    section('Schema Registry', row('registryUrl'), row('registryUsername', 'registryPassword'), row('registryCaFile')),
  );
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(saveButton, testButton, cancelButton);
  form.append(actions, status.root);
  for (const key of ['mechanism', 'oauthMode', 'tlsEnabled', 'trustSource', 'clientAuth', 'registryUrl', 'registryUsername'] as const) {
    fields[key].onChange(updateVisibility);
  }
  for (const key of ['bootstrapServers', 'mechanism', 'username', 'tokenEndpoint', 'oauthClientId', 'tlsEnabled', 'truststoreFile', 'keystoreFile', 'keyFile', 'registryUrl', 'registryUsername'] as const) {
    fields[key].onChange(updateSecretHints);
  }
  fields.preset.onChange(() => applyPreset(fields.preset.get()));
}

onHostMessage<FormMessage>((message) => {
  switch (message.type) {
    case 'init': {
      presets = message.presets;
      const presetControl = fields.preset.root.querySelector('vscode-dropdown');
      for (const p of presets) {
        const option = document.createElement('vscode-option');
        option.setAttribute('value', p.id);
        option.textContent = p.label;
        presetControl?.append(option);
      }
      render(message.mode);
      for (const [key, value] of Object.entries(message.values)) (fields as Record<string, Field<unknown>>)[key]?.set(value);
      initial = message.mode === 'edit' ? { ...message.values } : undefined;
      storedSecrets = message.stored;
      updateSecretHints();
      // The toolkit's elements upgrade asynchronously; apply visibility once they exist.
      requestAnimationFrame(updateVisibility);
      break;
    }
    case 'testResult':
      testButton.disabled = false;
      status.show(message.text, message.ok ? 'ok' : 'error');
      // The answer can be several lines below the buttons: bring it into view.
      status.root.scrollIntoView({ block: 'nearest' });
      break;
    case 'saveResult':
      saveButton.disabled = false;
      showErrors(message.errors);
      if (!message.ok) status.show(message.message ?? 'Fix the fields marked above.', 'error');
      break;
    case 'filePicked': {
      const field = pendingFiles.get(message.requestId);
      pendingFiles.delete(message.requestId);
      if (field && message.path) fields[field].set(message.path);
      break;
    }
  }
});

post({ type: 'ready' });
