import { button, checkbox, dropdown, statusLine, textField, type Field } from '../components/controls';
import { onHostMessage, vscodeApi } from '../components/vscodeApi';
import type { ConnectionFormValues, FieldErrors, FormMessage, FormRequest, Mechanism, PemField } from './protocol';

const api = vscodeApi<FormRequest>();
let nextRequestId = 1;

const fields = {
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
    label: 'Authentication',
    choices: [
      { value: 'none', label: 'None' },
      { value: 'plain', label: 'SASL/PLAIN' },
      { value: 'scram-sha-256', label: 'SASL/SCRAM-SHA-256' },
      { value: 'scram-sha-512', label: 'SASL/SCRAM-SHA-512' },
    ],
  }),
  username: textField({ id: 'username', label: 'User name' }),
  password: textField({ id: 'password', label: 'Password', password: true, hint: "Kept in VS Code's secret storage only." }),
  tlsEnabled: checkbox({ id: 'tlsEnabled', label: 'Use TLS (SSL or SASL_SSL listener)' }),
  caFile: textField({ id: 'caFile', label: 'CA certificate (PEM file)', hint: "Empty: the system's trusted CAs." }),
  certFile: textField({ id: 'certFile', label: 'Client certificate (PEM file, for mutual TLS)' }),
  keyFile: textField({ id: 'keyFile', label: 'Client key (PEM file)' }),
  verifyHostname: checkbox({ id: 'verifyHostname', label: "Verify that the broker's certificate names its host" }),
  registryUrl: textField({
    id: 'registryUrl',
    label: 'Schema Registry URL (optional)',
    placeholder: 'http://localhost:8081',
    hint: 'A Confluent-compatible registry, for Avro records in the Confluent wire format',
  }),
  registryUsername: textField({ id: 'registryUsername', label: 'Registry user name (basic auth, optional)' }),
  registryPassword: textField({ id: 'registryPassword', label: 'Registry password', password: true, hint: "Kept in VS Code's secret storage only." }),
  registryCaFile: textField({ id: 'registryCaFile', label: 'Registry CA certificate (PEM file, for https with a private CA)' }),
} satisfies { [K in keyof ConnectionFormValues]: Field<ConnectionFormValues[K]> };

const status = statusLine('status');
const pendingFiles = new Map<number, PemField>();

function values(): ConnectionFormValues {
  const out = {} as Record<string, unknown>;
  for (const [key, f] of Object.entries(fields)) out[key] = (f as Field<unknown>).get();
  return out as unknown as ConnectionFormValues;
}

function showErrors(errors: FieldErrors): void {
  for (const [key, f] of Object.entries(fields)) (f as Field<unknown>).setError(errors[key as keyof ConnectionFormValues]);
}

function updateVisibility(): void {
  const sasl = fields.mechanism.get() !== 'none';
  fields.username.setVisible(sasl);
  fields.password.setVisible(sasl);
  const tls = fields.tlsEnabled.get();
  for (const key of ['caFile', 'certFile', 'keyFile', 'verifyHostname'] as const) fields[key].setVisible(tls);
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) browseButtons[key].hidden = !tls;
  const registry = fields.registryUrl.get().trim() !== '';
  for (const key of ['registryUsername', 'registryCaFile'] as const) fields[key].setVisible(registry);
  fields.registryPassword.setVisible(registry && fields.registryUsername.get().trim() !== '');
  browseButtons.registryCaFile.hidden = !registry;
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
};

const testButton = button({
  id: 'test',
  label: 'Test Connection',
  secondary: true,
  onClick: () => {
    status.show('Testing…', 'busy');
    post({ type: 'test', requestId: nextRequestId++, values: values() });
  },
});
const saveButton = button({
  id: 'save',
  label: 'Save',
  onClick: () => post({ type: 'save', requestId: nextRequestId++, values: values() }),
});
const cancelButton = button({ id: 'cancel', label: 'Cancel', secondary: true, onClick: () => post({ type: 'cancel' }) });

function render(mode: 'add' | 'edit'): void {
  const form = document.getElementById('app');
  if (!form) return;
  form.replaceChildren();
  const heading = document.createElement('h2');
  heading.textContent = mode === 'add' ? 'Add Kafka Connection' : 'Edit Kafka Connection';
  form.append(heading);
  for (const [key, f] of Object.entries(fields)) {
    form.append((f as Field<unknown>).root);
    if (key in browseButtons) (f as Field<unknown>).root.append(browseButtons[key as PemField]);
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(saveButton, testButton, cancelButton);
  form.append(actions, status.root);
  fields.mechanism.onChange(updateVisibility);
  fields.tlsEnabled.onChange(updateVisibility);
  fields.registryUrl.onChange(updateVisibility);
  fields.registryUsername.onChange(updateVisibility);
}

onHostMessage<FormMessage>((message) => {
  switch (message.type) {
    case 'init': {
      render(message.mode);
      for (const [key, value] of Object.entries(message.values)) (fields as Record<string, Field<unknown>>)[key]?.set(value);
      const keep = 'Leave empty to keep the stored password.';
      if (message.stored.password) fields.password.root.querySelector('.field-hint')!.textContent = keep;
      if (message.stored.registryPassword) fields.registryPassword.root.querySelector('.field-hint')!.textContent = keep;
      // The toolkit's elements upgrade asynchronously; apply visibility once they exist.
      requestAnimationFrame(updateVisibility);
      break;
    }
    case 'testResult':
      status.show(message.text, message.ok ? 'ok' : 'error');
      break;
    case 'saveResult':
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
