/**
 * The Produce Message form: the common case (topic, key, value, headers, partition) on one screen,
 * everything else in collapsible sections, and Send in a footer that never scrolls away
 * (Ctrl/Cmd+Enter anywhere). Delivery reports go to the Delivery Reports view; the footer shows
 * the current run's result only.
 */
import './produce.css';
import { onHostMessage, vscodeApi } from '../components/vscodeApi';
import {
  avroField,
  type AvroEncodingChoice,
  type AvroPart,
  type AvroRole,
  type AvroSourceChoice,
  type AvroStrategyChoice,
  type FieldErrors,
  type FormatChoice,
  type FormField,
  type HeaderRow,
  type ProduceFormValues,
  type ProduceMessage,
  type ProduceRequest,
  type RunSummary,
  type TopicChoice,
  SCHEMA_FORMATS,
} from './protocol';
import { button, checkbox, codicon, combobox, el, select, statusText, textInput, type Control } from './ui';
import { valueEditor, type ValueEditor } from './valueEditor';
import { loadBundleStyles } from '../components/stylesheet';

// The codicon font ships beside this bundle (see the webview build); loaded as a stylesheet the CSP allows,
// before the form says "ready" (see loadBundleStyles).
document.body.classList.add('produce');
const styles = loadBundleStyles(import.meta.url);

interface State {
  values?: ProduceFormValues;
}

const api = vscodeApi<ProduceRequest, State>();
const post = (m: ProduceRequest) => api.postMessage(m);
let nextRequestId = 1;
let currentRun: number | undefined;
let sendRequest: number | undefined;
let topics: TopicChoice[] = [];
let formats: FormatChoice[] = [];
let sectionsOpen: Record<string, boolean> = {};

const f = {
  connection: select<string>({ id: 'connection', label: 'Connection', choices: [] }),
  topic: combobox({ id: 'topic', label: 'Topic', placeholder: 'Topic name: type or pick' }),
  keyFormat: select<string>({ id: 'keyFormat', label: 'Key format', choices: [], width: '10.5em' }),
  valueFormat: select<string>({ id: 'valueFormat', label: 'Value format', choices: [], width: '10.5em' }),
  partitionMode: select({
    id: 'partitionMode',
    label: 'Partition',
    choices: [
      { value: 'default', label: 'Default (key hash when a key is given, otherwise spread)' },
      { value: 'any', label: 'Spread (round-robin, ignores the key)' },
      { value: 'key-hash', label: 'By key hash only (a key is required)' },
      { value: 'explicit', label: 'Explicit partition' },
    ],
  }),
  partition: textInput({ id: 'partition', label: 'Partition number', width: '5em', placeholder: 'number' }),
  timestamp: textInput({ id: 'timestamp', label: 'CreateTime', placeholder: 'empty: now · epoch ms or ISO-8601, e.g. 2024-05-01T12:00:00Z', width: '34em' }),
  source: select({ id: 'source', label: 'Records', choices: [ { value: 'template', label: 'From the key and value above' }, { value: 'file', label: 'From a JSON array / JSON Lines file' } ] }),
  count: textInput({ id: 'count', label: 'Count', width: '8em' }),
  recordsFile: textInput({ id: 'recordsFile', label: 'Records file', placeholder: 'path of a .json or .jsonl file', width: '28em' }),
  sendStyle: select({ id: 'sendStyle', label: 'Send style', choices: [ { value: 'synchronous', label: 'Synchronous: wait for each record' }, { value: 'asynchronous', label: 'Asynchronous: reports arrive by callback' }, { value: 'fire-and-forget', label: 'Fire-and-forget: do not wait' } ] }),
  transaction: select({ id: 'transaction', label: 'Transaction', choices: [ { value: 'none', label: 'None' }, { value: 'commit', label: 'One transaction, then commit' }, { value: 'abort', label: 'One transaction, then abort' } ] }),
  acks: select({ id: 'acks', label: 'acks', choices: [ { value: 'all', label: 'all' }, { value: '1', label: '1 (leader)' }, { value: '0', label: '0 (no answer)' } ], width: '9em' }),
  idempotent: checkbox({ id: 'idempotent', label: 'Idempotent' }),
  maxInFlightRequests: textInput({ id: 'maxInFlightRequests', label: 'Max in-flight requests', width: '5em' }),
  compression: select<string>({ id: 'compression', label: 'Compression', choices: [], width: '9em' }),
  lingerMs: textInput({ id: 'lingerMs', label: 'Linger (ms)', width: '6em' }),
  batchSize: textInput({ id: 'batchSize', label: 'Batch size (bytes)', width: '8em' }),
  requestTimeoutMs: textInput({ id: 'requestTimeoutMs', label: 'Request timeout (ms)', width: '7em' }),
  retries: textInput({ id: 'retries', label: 'Retries', width: '5em' }),
  replyTopic: textInput({ id: 'replyTopic', label: 'Reply topic', placeholder: 'empty: a plain send', width: '20em' }),
  replyTimeoutMs: textInput({ id: 'replyTimeoutMs', label: 'Reply timeout (ms)', width: '7em' }),
};

const send = () => sendNow();
const keyEditor: ValueEditor = valueEditor({ id: 'key', label: 'Key', placeholder: 'Key text (templates: order-{{i}})', onSubmit: send, singleLine: true });
const valueEdit: ValueEditor = valueEditor({ id: 'value', label: 'Value', placeholder: 'Value: text or JSON. Templates: {{i}} {{uuid}} {{timestamp}} {{random.int(1,100)}}…', onSubmit: send });
const editors: Record<AvroRole, ValueEditor> = { key: keyEditor, value: valueEdit };

/**
 * The schema choices of the key or the value, the same controls for Avro, Protobuf and JSON Schema
 * (ids from {@link avroField}); Protobuf adds the message. Labels follow the chosen format.
 */
interface AvroUi {
  role: AvroRole;
  root: HTMLElement;
  fields: { [P in AvroPart]: Control<unknown> };
  source: Control<AvroSourceChoice> & { setChoices(choices: { value: AvroSourceChoice; label: string }[]): void };
  encoding: Control<AvroEncodingChoice> & { setChoices(choices: { value: AvroEncodingChoice; label: string }[]): void };
  schemaFile: Control<string>;
  messageType: ReturnType<typeof combobox>;
  subjectPick: ReturnType<typeof select<string>>;
  browse: HTMLElement;
  registryInfo: ReturnType<typeof statusText>;
}

/** What the schema controls say for each schema format. */
const SCHEMA_WORDS: Record<string, { file: string; raw: string; browse: string }> = {
  avro: { file: '.avsc file', raw: 'Raw Avro binary', browse: 'Choose an .avsc file…' },
  protobuf: { file: '.proto file', raw: 'Raw protobuf', browse: 'Choose a .proto file…' },
  jsonschema: { file: 'JSON Schema file', raw: 'Plain JSON (checked)', browse: 'Choose a JSON Schema file…' },
};

function avroUi(role: AvroRole): AvroUi {
  const id = (part: AvroPart) => avroField(role, part);
  const source = select<AvroSourceChoice>({ id: id('Source'), label: `${role} schema from`, choices: [ { value: 'file', label: 'Schema: .avsc file' }, { value: 'registry', label: 'Schema: registry subject' } ], width: '13.5em' });
  const schemaFile = textInput({ id: id('SchemaFile'), label: `${role} schema file`, placeholder: 'workspace .avsc path', width: '18em' });
  const messageType = combobox({ id: id('MessageType'), label: `${role} message type`, placeholder: 'message, e.g. acme.Order' });
  messageType.input.style.width = '14em';
  const subject = textInput({ id: id('Subject'), label: `${role} subject`, placeholder: 'subject name', width: '14em' });
  const subjectPick = select<string>({ id: `${id('Subject')}Pick`, label: 'Subjects in the registry', choices: [], width: '12em' });
  const encoding = select<AvroEncodingChoice>({ id: id('Encoding'), label: `${role} encoding`, choices: [ { value: 'raw', label: 'Raw Avro binary' }, { value: 'confluent', label: 'Confluent wire format (schema id)' } ], width: '17em' });
  const strategy = select<AvroStrategyChoice>({ id: id('Strategy'), label: 'Subject name strategy', choices: [ { value: 'TopicNameStrategy', label: `TopicName (<topic>-${role})` }, { value: 'RecordNameStrategy', label: 'RecordName' }, { value: 'TopicRecordNameStrategy', label: 'TopicRecordName' } ], width: '13em' });
  const autoRegister = checkbox({ id: id('AutoRegister'), label: 'Register if missing' });
  const browse = button({ id: role === 'key' ? 'browseKeySchema' : 'browseSchema', label: 'Choose an .avsc file…', icon: 'folder-opened', kind: 'icon', onClick: () => post({ type: 'pickSchema', requestId: nextRequestId++, role, format: formatOf(role) }) });
  const registryInfo = statusText(role === 'key' ? 'keyRegistryInfo' : 'registryInfo');
  subjectPick.onChange(() => {
    if (subjectPick.get()) {
      subject.set(subjectPick.get());
      requestCheck(role);
    }
  });
  const root = el('div', { className: 'row avro-row', id: `${role}AvroRow` }, source.root, schemaFile.root, browse, subject.root, subjectPick.root, messageType.root, encoding.root, strategy.root, autoRegister.root, registryInfo.root);
  return { role, root, fields: { Source: source, SchemaFile: schemaFile, Subject: subject, Encoding: encoding, Strategy: strategy, AutoRegister: autoRegister, MessageType: messageType }, source, encoding, schemaFile, messageType, subjectPick, browse, registryInfo };
}

/** The schema controls' labels for the format now chosen (the values stay). */
function labelSchemaUi(ui: AvroUi, format: string): void {
  const words = SCHEMA_WORDS[format] ?? SCHEMA_WORDS.avro;
  ui.source.setChoices([ { value: 'file', label: `Schema: ${words.file}` }, { value: 'registry', label: 'Schema: registry subject' } ]);
  ui.encoding.setChoices([ { value: 'raw', label: words.raw }, { value: 'confluent', label: 'Confluent wire format (schema id)' } ]);
  (ui.schemaFile.input as HTMLInputElement).placeholder = `workspace ${words.file} path`;
  ui.schemaFile.input.setAttribute('aria-label', `${ui.role} schema file (${words.file})`);
  ui.browse.title = words.browse;
  ui.browse.setAttribute('aria-label', words.browse);
}

const avro: Record<AvroRole, AvroUi> = { key: avroUi('key'), value: avroUi('value') };
const avroUis = [avro.key, avro.value];
const checks: Record<AvroRole, ReturnType<typeof statusText>> = { key: statusText('keyCheck'), value: statusText('valueCheck') };
const formatOf = (role: AvroRole) => (role === 'key' ? f.keyFormat.get() : f.valueFormat.get());
const isJson = (format: string) => formats.find((x) => x.value === format)?.json ?? false;

/** Every form field by its name in {@link ProduceFormValues} (editors and headers aside). */
function formFields(): [FormField, Control<unknown>][] {
  const plain = Object.entries(f) as [FormField, Control<unknown>][];
  const avroFields = avroUis.flatMap((ui) => (Object.entries(ui.fields) as [AvroPart, Control<unknown>][]).map(([part, field]) => [avroField(ui.role, part), field] as [FormField, Control<unknown>]));
  return [...plain, ...avroFields];
}

// Headers: a compact table of name/value rows.
const headerBody = el('tbody');
const headerTable = el('table', { id: 'headers', className: 'headers' }, headerBody);
headerTable.hidden = true;
const headersError = el('span', { className: 'ctl-error', id: 'headersError' });
const headerRows: { name: Control<string>; value: Control<string>; row: HTMLElement }[] = [];

function addHeader(h: HeaderRow = { name: '', value: '' }, focus = false): void {
  const n = headerRows.length;
  const name = textInput({ id: `header-name-${n}`, label: `Header ${n + 1} name`, placeholder: 'name' });
  const value = textInput({ id: `header-value-${n}`, label: `Header ${n + 1} value`, placeholder: 'value' });
  name.set(h.name);
  value.set(h.value);
  const entry = { name, value, row: el('tr') };
  const remove = button({ id: `header-remove-${n}`, label: `Remove header ${n + 1}`, icon: 'close', kind: 'icon', onClick: () => {
    entry.row.remove();
    headerRows.splice(headerRows.indexOf(entry), 1);
    headerTable.hidden = headerRows.length === 0;
  } });
  entry.row.append(el('td', {}, name.root), el('td', {}, value.root), el('td', {}, remove));
  headerRows.push(entry);
  headerBody.append(entry.row);
  headerTable.hidden = false;
  if (focus) name.input.focus();
}
const addHeaderButton = button({ id: 'addHeader', label: 'Add header', icon: 'add', kind: 'link', onClick: () => addHeader(undefined, true) });

const preview = statusText('partitionPreview');
const createBox = el('span', { id: 'createTopicBox', className: 'inline-create' });
createBox.hidden = true;
const createPartitions = textInput({ id: 'createPartitions', label: 'Partitions of the new topic', width: '4em' });
createPartitions.set('1');
const createButton = button({
  id: 'createTopic',
  label: 'Create topic',
  icon: 'add',
  onClick: () => {
    status.show('Creating the topic…', 'busy');
    post({ type: 'createTopic', requestId: nextRequestId++, connection: f.connection.get(), topic: f.topic.get().trim(), partitions: createPartitions.get() });
  },
});
createBox.append(el('span', { className: 'muted', text: 'Not on the cluster.' }), createButton, el('span', { className: 'muted', text: 'with' }), createPartitions.root, el('span', { className: 'muted', text: 'partition(s)' }));

const status = statusText('status');
const progress = statusText('progress');
const sendButton = button({ id: 'send', label: 'Send', icon: 'send', kind: 'primary', title: 'Send (Ctrl+Enter)', onClick: send });
const cancelButton = button({ id: 'cancelRun', label: 'Cancel', icon: 'debug-stop', onClick: () => currentRun !== undefined && post({ type: 'cancel', runId: currentRun }) });
const reportsButton = button({ id: 'showReports', label: 'Delivery Reports', icon: 'output', kind: 'link', title: 'Show every record\'s report in the Delivery Reports view', onClick: () => post({ type: 'showReports' }) });
const saveButton = button({ id: 'saveAs', label: 'Save as…', icon: 'save-as', kind: 'icon', title: 'Save as a JSON Lines record file…', onClick: () => post({ type: 'saveAs', values: values() }) });
const saveKafkaButton = button({ id: 'saveAsKafka', label: 'Save as .kafka…', icon: 'file-code', kind: 'icon', title: 'Save as a PRODUCER block in a .kafka file…', onClick: () => post({ type: 'saveAsKafka', values: values() }) });
const browseButton = button({ id: 'browseFile', label: 'Choose a records file…', icon: 'folder-opened', kind: 'icon', onClick: () => post({ type: 'pickFile', requestId: nextRequestId++ }) });
const replyOut = statusText('reply');

function values(): ProduceFormValues {
  const out: Record<string, unknown> = {};
  for (const [key, field] of formFields()) out[key] = field.get();
  out.key = keyEditor.get();
  out.value = valueEdit.get();
  out.headers = headerRows.map((h) => ({ name: h.name.get(), value: h.value.get() }));
  return out as unknown as ProduceFormValues;
}

function setValues(v: ProduceFormValues): void {
  const fields = new Map(formFields());
  for (const [key, value] of Object.entries(v)) fields.get(key as FormField)?.set(value);
  keyEditor.set(v.key);
  valueEdit.set(v.value);
  for (const h of headerRows) h.row.remove();
  headerRows.length = 0;
  for (const h of v.headers) addHeader(h);
  headerTable.hidden = headerRows.length === 0;
  updateVisibility();
}

function showErrors(errors: FieldErrors): void {
  for (const [key, field] of formFields()) field.setError(errors[key]);
  headersError.textContent = errors.headers ?? '';
  for (const role of ['key', 'value'] as const) {
    const message = errors[role];
    if (message) checks[role].show(message, 'error');
  }
}

function updateVisibility(): void {
  const keyed = f.keyFormat.get() !== 'none';
  keyEditor.setVisible(keyed);
  keyEditor.root.classList.toggle('multiline', isJson(f.keyFormat.get()));
  f.partition.setVisible(f.partitionMode.get() === 'explicit');
  const file = f.source.get() === 'file';
  f.count.setVisible(!file);
  f.recordsFile.setVisible(file);
  browseButton.hidden = !file;
  f.replyTimeoutMs.setVisible(f.replyTopic.get().trim() !== '');
  valueEdit.setVisible(f.valueFormat.get() !== 'none');
  for (const role of ['key', 'value'] as const) editors[role].setJson(isJson(formatOf(role)));
  for (const ui of avroUis) {
    const format = formatOf(ui.role);
    const isAvro = SCHEMA_FORMATS.includes(format);
    const fromFile = ui.source.get() !== 'registry';
    const wire = ui.encoding.get() === 'confluent';
    ui.root.hidden = !isAvro;
    if (isAvro && ui.root.dataset.format !== format) {
      ui.root.dataset.format = format;
      labelSchemaUi(ui, format);
    }
    ui.messageType.setVisible(format === 'protobuf');
    ui.fields.SchemaFile.setVisible(fromFile);
    ui.browse.hidden = !fromFile;
    ui.fields.Subject.setVisible(!fromFile);
    ui.subjectPick.setVisible(!fromFile);
    // A registry subject's schema already has its id; the strategy and registering only matter for a file.
    ui.fields.Strategy.setVisible(fromFile && wire);
    ui.fields.AutoRegister.setVisible(fromFile && wire);
  }
  checks.key.root.hidden = !keyed || !(isJson(f.keyFormat.get()));
}

const checkState: Record<AvroRole, { id: number; input: string; timer?: ReturnType<typeof setTimeout> }> = { key: { id: 0, input: '' }, value: { id: 0, input: '' } };

/** The host checks JSON and Avro (it has the schemas and the located parser); only the newest answer counts. */
function requestCheck(role: AvroRole): void {
  const v = values();
  const format = formatOf(role);
  const text = role === 'key' ? v.key : v.value;
  const state = checkState[role];
  if (!isJson(format) || (role === 'value' && v.source === 'file' && !SCHEMA_FORMATS.includes(format))) {
    state.input = '';
    state.id = nextRequestId++;
    checks[role].show('', 'info');
    editors[role].setMarks([]);
    editors[role].setCompletions([]);
    return;
  }
  const input = JSON.stringify([v.connection, v.source, format, text, v[avroField(role, 'Source')], v[avroField(role, 'SchemaFile')], v[avroField(role, 'Subject')], v[avroField(role, 'MessageType')]]);
  if (input === state.input) return;
  state.input = input;
  clearTimeout(state.timer);
  state.timer = setTimeout(() => {
    state.id = nextRequestId++;
    post({ type: 'checkValue', requestId: state.id, role, values: values() });
  }, 150);
}

let previewTimer: ReturnType<typeof setTimeout> | undefined;
function requestPreview(): void {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => post({ type: 'preview', requestId: nextRequestId++, values: values() }), 150);
  api.setState({ values: { ...values(), value: '', key: '', headers: [] } });
}

function sendNow(): void {
  // One send at a time: Ctrl+Enter held down, or pressed during a run, sends nothing more.
  if (currentRun !== undefined || sendButton.disabled) return;
  showErrors({});
  createBox.hidden = true;
  replyOut.show('');
  progress.show('');
  status.show('Checking and sending…', 'busy');
  sendRequest = nextRequestId++;
  sendButton.disabled = true;
  post({ type: 'send', requestId: sendRequest, values: values() });
}

/** A collapsible section whose open state is remembered (per section name) for the next form. */
function section(name: string, title: string, summaryOf: () => string, ...children: HTMLElement[]): { root: HTMLElement; refresh(): void } {
  const root = el('div', { className: 'section', id: `section-${name}` });
  const summaryText = el('span', { className: 'muted section-summary' });
  const head = el('button', { className: 'section-head' }, codicon('chevron-right'), el('span', { className: 'section-title', text: title }), summaryText);
  head.type = 'button';
  const body = el('div', { className: 'section-body', id: `section-${name}-body` }, ...children);
  head.setAttribute('aria-controls', body.id);
  root.append(head, body);
  const show = (open: boolean) => {
    head.setAttribute('aria-expanded', String(open));
    root.classList.toggle('open', open);
    body.hidden = !open;
  };
  show(sectionsOpen[name] ?? false);
  head.addEventListener('click', () => {
    const open = head.getAttribute('aria-expanded') !== 'true';
    show(open);
    sectionsOpen = { ...sectionsOpen, [name]: open };
    post({ type: 'sections', open: sectionsOpen });
  });
  const refresh = () => (summaryText.textContent = summaryOf());
  return { root, refresh };
}

const labelled = (text: string, forId: string, ...controls: HTMLElement[]) => {
  const label = el('label', { className: 'lbl', text });
  label.htmlFor = forId;
  return el('div', { className: 'row' }, label, ...controls);
};
const inline = (text: string, control: Control<unknown>) => {
  const label = el('label', { className: 'inline-lbl', text });
  label.htmlFor = control.input.id;
  return el('span', { className: 'inline' }, label, control.root);
};

function describeSummary(s: RunSummary): string {
  const parts = [`${s.total} record(s) to ${s.topic}: ${s.transactionOutcome === 'aborted' ? `${s.delivered} written, then aborted` : `${s.delivered} delivered`}`];
  if (s.unacknowledged) parts.push(`${s.unacknowledged} sent with acks=0 (no offset)`);
  if (s.notAwaited) parts.push(`${s.notAwaited} handed over, not awaited`);
  if (s.failed) parts.push(`${s.failed} failed${s.notSent ? ` (${s.notSent} not sent)` : ''}`);
  if (s.total > 1) parts.push(`${s.recordsPerSecond} records/s`);
  if (s.cancelled) parts.push('cancelled');
  let text = parts.join(', ') + '.';
  if (s.transactionalId) text += ` Transaction ${s.transactionalId} ${s.transactionOutcome ?? 'not finished'}.`;
  if (s.notes.length) text += ` ${s.notes.join(' ')}`;
  return text;
}

const sections: { root: HTMLElement; refresh(): void }[] = [];

function render(): void {
  const app = document.getElementById('app');
  if (!app) return;
  const header = el('div', { className: 'titlebar' }, el('h2', { text: 'Produce Message' }), labelled('Connection', 'connection', f.connection.root), el('span', { className: 'spacer' }), saveKafkaButton, saveButton);
  const topicRow = labelled('Topic', 'topic', f.topic.root, createBox);
  const keyRow = labelled('Key', 'keyFormat', f.keyFormat.root, keyEditor.root);
  const keyCheckRow = el('div', { className: 'row sub' }, checks.key.root);
  const valueRow = el('div', { className: 'row value-head' }, Object.assign(el('label', { className: 'lbl', text: 'Value' }), { htmlFor: 'valueFormat' }), f.valueFormat.root, checks.value.root);
  const headersRow = el('div', { className: 'row top' }, el('span', { className: 'lbl', text: 'Headers' }), el('div', { className: 'headers-box' }, headerTable, el('div', {}, addHeaderButton, headersError)));
  const partitionRow = labelled('Partition', 'partitionMode', f.partitionMode.root, f.partition.root, preview.root);

  const timestampSection = section('timestamp', 'Timestamp', () => (f.timestamp.get().trim() ? `CreateTime ${f.timestamp.get().trim()}` : 'now'), labelled('CreateTime', 'timestamp', f.timestamp.root));
  const recordsSection = section(
    'records',
    'Records',
    () => (f.source.get() === 'file' ? `from ${f.recordsFile.get() || 'a file'}` : `${f.count.get() || '1'} record(s)`),
    labelled('Source', 'source', f.source.root, inline('Count', f.count), f.recordsFile.root, browseButton),
  );
  const deliverySection = section(
    'delivery',
    'Send style and transaction',
    () => `${f.sendStyle.get()}${f.transaction.get() !== 'none' ? `, transaction then ${f.transaction.get()}` : ''}`,
    labelled('Send style', 'sendStyle', f.sendStyle.root, inline('Transaction', f.transaction)),
  );
  const settingsSection = section(
    'settings',
    'Producer settings',
    () => `acks=${f.acks.get()}${f.idempotent.get() ? ', idempotent' : ''}, ${f.compression.get()}, linger ${f.lingerMs.get()} ms`,
    labelled('acks', 'acks', f.acks.root, f.idempotent.root, inline('Compression', f.compression), inline('Max in flight', f.maxInFlightRequests)),
    labelled('Batching', 'lingerMs', inline('Linger (ms)', f.lingerMs), inline('Batch size (bytes)', f.batchSize), inline('Request timeout (ms)', f.requestTimeoutMs), inline('Retries', f.retries)),
  );
  const replySection = section('reply', 'Request/reply', () => (f.replyTopic.get().trim() ? `reply on ${f.replyTopic.get().trim()}` : 'off'), labelled('Reply topic', 'replyTopic', f.replyTopic.root, inline('Timeout (ms)', f.replyTimeoutMs)), el('div', { className: 'row sub' }, replyOut.root));
  sections.push(timestampSection, recordsSection, deliverySection, settingsSection, replySection);

  const form = el(
    'div',
    { className: 'form' },
    header,
    topicRow,
    keyRow,
    avro.key.root,
    keyCheckRow,
    valueRow,
    avro.value.root,
    valueEdit.root,
    headersRow,
    partitionRow,
    ...sections.map((s) => s.root),
  );
  const footer = el('footer', { className: 'footer' }, sendButton, cancelButton, el('span', { className: 'kbd muted', text: 'Ctrl+Enter' }), el('span', { className: 'result' }, status.root, progress.root), reportsButton);
  footer.setAttribute('aria-label', 'Send');
  app.replaceChildren(form, footer);
  cancelButton.hidden = true;

  for (const field of [f.connection, f.topic, f.keyFormat, f.partitionMode, f.partition, f.acks, f.idempotent, f.maxInFlightRequests, f.compression, f.lingerMs, f.batchSize, f.requestTimeoutMs, f.retries] as Control<unknown>[]) field.onChange(requestPreview);
  keyEditor.onChange(requestPreview);
  f.connection.onChange(() => post({ type: 'loadTopics', connection: f.connection.get() }));
  f.topic.onChange(updateCreateOffer);
  for (const field of [f.keyFormat, f.partitionMode, f.source, f.replyTopic, f.valueFormat, ...avroUis.flatMap((ui) => [ui.source, ui.encoding])] as Control<unknown>[]) field.onChange(updateVisibility);
  const recheck = () => (requestCheck('key'), requestCheck('value'));
  for (const field of [f.keyFormat, f.valueFormat, f.source, f.connection, ...avroUis.flatMap((ui) => [ui.source, ui.fields.SchemaFile, ui.fields.Subject, ui.fields.MessageType])] as Control<unknown>[]) field.onChange(recheck);
  keyEditor.onChange(() => requestCheck('key'));
  valueEdit.onChange(() => requestCheck('value'));
  const refreshSections = () => sections.forEach((s) => s.refresh());
  for (const [, field] of formFields()) field.onChange(refreshSections);
  refreshSections();
  // Ctrl/Cmd+Enter sends from anywhere in the form (the editors bind it themselves).
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
      e.preventDefault();
      sendNow();
    }
  });
}

/** The inline "create it" offer beside the topic, while the typed name is not on the cluster. */
function updateCreateOffer(): void {
  const name = f.topic.get().trim();
  createBox.hidden = !name || topicsLoadedFor !== f.connection.get() || topics.some((t) => t.name === name);
}
let topicsLoadedFor = '';

onHostMessage<ProduceMessage>((m) => {
  switch (m.type) {
    case 'init': {
      formats = m.formats;
      sectionsOpen = m.sections;
      render();
      f.connection.setChoices(m.connections.map((c) => ({ value: c, label: c })));
      f.compression.setChoices(m.compressions.map((c) => ({ value: c, label: c })));
      f.valueFormat.setChoices([...formats.map((x) => ({ value: x.value, label: x.label })), { value: 'none', label: 'Null value' }]);
      f.keyFormat.setChoices([{ value: 'none', label: 'No key' }, ...formats.map((x) => ({ value: x.value, label: x.label }))]);
      setValues(m.values);
      sections.forEach((s) => s.refresh());
      requestCheck('key');
      requestCheck('value');
      requestPreview();
      (m.values.topic ? valueEdit.view : (f.topic.input as HTMLElement)).focus();
      break;
    }
    case 'prefill':
      checkState.key.input = checkState.value.input = '';
      setValues(m.values);
      sections.forEach((s) => s.refresh());
      status.show('');
      progress.show('');
      post({ type: 'loadTopics', connection: m.values.connection });
      requestCheck('key');
      requestCheck('value');
      requestPreview();
      break;
    case 'topics':
      if (m.connection !== f.connection.get()) break;
      topics = m.topics;
      topicsLoadedFor = m.error ? '' : m.connection;
      f.topic.setItems(topics.map((t) => ({ value: t.name, detail: `${t.partitions} partition${t.partitions === 1 ? '' : 's'}` })));
      updateCreateOffer();
      requestPreview();
      break;
    case 'preview':
      preview.show(m.text, /does not exist|needs/.test(m.text) ? 'error' : 'info');
      for (const [key, field] of formFields()) if (key !== 'topic') field.setError(m.errors[key]);
      break;
    case 'rejected':
      if (m.requestId === sendRequest) sendButton.disabled = false;
      showErrors(m.errors);
      status.show(m.message, 'error');
      if (m.unknownTopic) {
        createBox.hidden = false;
        createButton.focus();
      }
      break;
    case 'started':
      currentRun = m.runId;
      cancelButton.hidden = false;
      status.show(`Sending ${m.total} record(s)…${m.notes.length ? ` ${m.notes.join(' ')}` : ''}`, 'busy');
      break;
    case 'progress': {
      const p = m.progress;
      progress.show(`${p.delivered + p.failed} of ${p.total} reported (${p.failed} failed) · ${p.recordsPerSecond} records/s`);
      break;
    }
    case 'done': {
      if (m.summary.runId === currentRun) {
        currentRun = undefined;
        cancelButton.hidden = true;
        sendButton.disabled = false;
      }
      const s = m.summary;
      const bad = s.failed > 0 || s.transactionOutcome === 'aborted';
      progress.show('');
      status.show(describeSummary(s), bad ? 'error' : 'ok');
      break;
    }
    case 'reply':
      replyOut.show(m.ok ? `${m.text} Reply value: ${m.value ?? ''}` : m.text, m.ok ? 'ok' : 'error');
      if (m.ok || !status.root.textContent) status.show(m.ok ? 'Reply received (see Request/reply).' : m.text, m.ok ? 'ok' : 'error');
      break;
    case 'topicCreated':
      status.show(m.text, m.ok ? 'ok' : 'error');
      if (m.ok) {
        createBox.hidden = true;
        post({ type: 'loadTopics', connection: f.connection.get() });
      }
      break;
    case 'filePicked':
      if (m.path) f.recordsFile.set(m.path);
      sections.forEach((s) => s.refresh());
      break;
    case 'schemaPicked':
      if (m.path) {
        avro[m.role].fields.SchemaFile.set(m.path);
        requestCheck(m.role);
      }
      break;
    case 'valueCheck': {
      if (m.requestId !== checkState[m.role].id) break;
      checks[m.role].show(m.text, m.ok ? 'ok' : 'error');
      editors[m.role].setMarks(m.marks);
      editors[m.role].setCompletions(m.completions);
      if (m.messageTypes) avro[m.role].messageType.setItems(m.messageTypes.map((t) => ({ value: t, detail: 'message' })));
      // The schema fields of this role carry only the newest check's complaint.
      for (const part of ['Source', 'SchemaFile', 'Subject', 'MessageType'] as const) avro[m.role].fields[part].setError(undefined);
      if (m.field) formFields().find(([k]) => k === m.field)?.[1].setError(m.text);
      break;
    }
    case 'saved':
      status.show(m.text, m.ok ? 'ok' : 'error');
      break;
    case 'registry':
      if (m.connection !== f.connection.get()) break;
      for (const ui of avroUis) {
        ui.registryInfo.show(m.error ? `Schema Registry: ${m.error}.` : `${m.subjects.length} subject(s) in the registry`, m.error ? 'info' : 'ok');
        ui.subjectPick.setChoices([{ value: '', label: m.error ? '(no subjects)' : 'Pick a subject…' }, ...m.subjects.map((s) => ({ value: s, label: s }))]);
        ui.subjectPick.set('');
      }
      break;
  }
});

void styles.then(() => post({ type: 'ready' }));
