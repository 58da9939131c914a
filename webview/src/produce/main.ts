import { button, checkbox, dropdown, setChoices, statusLine, textArea, textField, type Field } from '../components/controls';
import { onHostMessage, vscodeApi } from '../components/vscodeApi';
import {
  avroField,
  type AvroEncodingChoice,
  type AvroPart,
  type AvroRole,
  type AvroSourceChoice,
  type AvroStrategyChoice,
  type FieldErrors,
  type FormField,
  type HeaderRow,
  type ProduceFormValues,
  type ProduceMessage,
  type ProduceRequest,
  type ReportView,
  type RunSummary,
  type TopicChoice,
  type ValueFormatChoice,
} from './protocol';

interface State {
  values?: ProduceFormValues;
}

const api = vscodeApi<ProduceRequest, State>();
let nextRequestId = 1;
let currentRun: number | undefined;
let topics: TopicChoice[] = [];
const post = (m: ProduceRequest) => api.postMessage(m);

const f = {
  connection: dropdown<string>({ id: 'connection', label: 'Connection', choices: [] }),
  topic: textField({ id: 'topic', label: 'Topic', placeholder: 'orders' }),
  topicPick: dropdown<string>({ id: 'topicPick', label: 'Topics on the cluster', choices: [] }),
  keyFormat: dropdown<'none' | ValueFormatChoice>({ id: 'keyFormat', label: 'Key', choices: [] }),
  key: textField({ id: 'key', label: 'Key text', placeholder: 'order-{{i}}' }),
  valueFormat: dropdown<ValueFormatChoice>({ id: 'valueFormat', label: 'Value format', choices: [] }),
  value: textArea({ id: 'value', label: 'Value', rows: 6, hint: 'Placeholders: {{i}} {{uuid}} {{timestamp}} {{random.int(1,100)}} {{random.float(0,1)}} {{random.pick(a,b)}} {{random.string(8)}} {{random.bool}}. Avro: JSON with unions as {"string": "x"}, decimals as "12.34", timestamp-millis as ISO-8601.' }),
  partitionMode: dropdown({ id: 'partitionMode', label: 'Partition', choices: [ { value: 'default', label: 'Default (key hash when a key is given, otherwise spread)' }, { value: 'any', label: 'Spread (round-robin, ignores the key)' }, { value: 'key-hash', label: 'By key hash (Java murmur2)' }, { value: 'explicit', label: 'Explicit number' } ] }),
  partition: textField({ id: 'partition', label: 'Partition number' }),
  source: dropdown({ id: 'source', label: 'Records', choices: [ { value: 'template', label: 'From the key/value above (templates)' }, { value: 'file', label: 'From a JSON array / JSON Lines file' } ] }),
  count: textField({ id: 'count', label: 'Count', hint: 'How many records to render from the templates.' }),
  recordsFile: textField({ id: 'recordsFile', label: 'Records file', hint: 'Each entry a value, or {"key", "value", "headers", "partition"}.' }),
  sendStyle: dropdown({ id: 'sendStyle', label: 'Send style', choices: [ { value: 'synchronous', label: 'Synchronous: wait for each record' }, { value: 'asynchronous', label: 'Asynchronous: reports arrive by callback' }, { value: 'fire-and-forget', label: 'Fire-and-forget: do not wait' } ] }),
  transaction: dropdown({ id: 'transaction', label: 'Transaction', choices: [ { value: 'none', label: 'None' }, { value: 'commit', label: 'In one transaction, then commit' }, { value: 'abort', label: 'In one transaction, then abort' } ] }),
  acks: dropdown({ id: 'acks', label: 'acks', choices: [ { value: 'all', label: 'all' }, { value: '1', label: '1 (leader)' }, { value: '0', label: '0 (no answer)' } ] }),
  idempotent: checkbox({ id: 'idempotent', label: 'Idempotent producer' }),
  maxInFlightRequests: textField({ id: 'maxInFlightRequests', label: 'Max in-flight requests' }),
  compression: dropdown<string>({ id: 'compression', label: 'Compression', choices: [] }),
  lingerMs: textField({ id: 'lingerMs', label: 'Linger (ms)' }),
  batchSize: textField({ id: 'batchSize', label: 'Batch size (bytes)' }),
  requestTimeoutMs: textField({ id: 'requestTimeoutMs', label: 'Request timeout (ms)' }),
  retries: textField({ id: 'retries', label: 'Retries' }),
  replyTopic: textField({ id: 'replyTopic', label: 'Reply topic (request/reply; empty for a plain send)' }),
  replyTimeoutMs: textField({ id: 'replyTimeoutMs', label: 'Reply timeout (ms)' }),
};

/** The Avro choices of the key or the value: the same controls, ids from {@link avroField}. */
interface AvroUi {
  role: AvroRole;
  fields: { [P in AvroPart]: Field<unknown> };
  source: Field<AvroSourceChoice>;
  encoding: Field<AvroEncodingChoice>;
  subject: Field<string>;
  subjectPick: Field<string>;
  browse: HTMLElement;
  registryInfo: ReturnType<typeof statusLine>;
  check: ReturnType<typeof statusLine>;
  /** The host checks Avro (it has the schema); only the newest answer is shown. */
  checkId: number;
  checkedInput: string;
  timer?: ReturnType<typeof setTimeout>;
}

function avroUi(role: AvroRole, check: ReturnType<typeof statusLine>): AvroUi {
  const id = (part: AvroPart) => avroField(role, part);
  const what = role === 'key' ? 'Key' : 'Avro';
  const source = dropdown<AvroSourceChoice>({ id: id('Source'), label: `${what} schema from`, choices: [ { value: 'file', label: 'A workspace .avsc file' }, { value: 'registry', label: 'A Schema Registry subject (latest version)' } ] });
  const schemaFile = textField({ id: id('SchemaFile'), label: `${role === 'key' ? 'Key schema' : 'Schema'} file (.avsc)`, placeholder: `schemas/order${role === 'key' ? '-key' : ''}.avsc` });
  const subject = textField({ id: id('Subject'), label: `${role === 'key' ? 'Key subject' : 'Subject'}`, placeholder: `orders-${role}` });
  const subjectPick = dropdown<string>({ id: `${id('Subject')}Pick`, label: 'Subjects in the registry', choices: [] });
  const encoding = dropdown<AvroEncodingChoice>({ id: id('Encoding'), label: `${what} encoding`, choices: [ { value: 'raw', label: 'Raw Avro binary' }, { value: 'confluent', label: 'Confluent wire format (magic byte + schema id; needs a Schema Registry)' } ] });
  const strategy = dropdown<AvroStrategyChoice>({ id: id('Strategy'), label: `${role === 'key' ? 'Key subject' : 'Subject'} name strategy`, choices: [ { value: 'TopicNameStrategy', label: `TopicNameStrategy (<topic>-${role})` }, { value: 'RecordNameStrategy', label: 'RecordNameStrategy (<record full name>)' }, { value: 'TopicRecordNameStrategy', label: 'TopicRecordNameStrategy (<topic>-<record full name>)' } ] });
  const autoRegister = checkbox({ id: id('AutoRegister'), label: `Register the ${role} schema when the subject does not have it` });
  const browse = button({ id: role === 'key' ? 'browseKeySchema' : 'browseSchema', label: 'Choose…', secondary: true, onClick: () => post({ type: 'pickSchema', requestId: nextRequestId++, role }) });
  const registryInfo = statusLine(role === 'key' ? 'keyRegistryInfo' : 'registryInfo');
  return {
    role,
    fields: { Source: source, SchemaFile: schemaFile, Subject: subject, Encoding: encoding, Strategy: strategy, AutoRegister: autoRegister },
    source,
    encoding,
    subject,
    subjectPick,
    browse,
    registryInfo,
    check,
    checkId: 0,
    checkedInput: '',
  };
}

const keyCheck = statusLine('keyCheck');
const valueCheck = statusLine('valueCheck');
const avro: Record<AvroRole, AvroUi> = { key: avroUi('key', keyCheck), value: avroUi('value', valueCheck) };
const avroUis = [avro.key, avro.value];
const formatOf = (role: AvroRole) => (role === 'key' ? f.keyFormat.get() : f.valueFormat.get());

/** Every form field by its name in {@link ProduceFormValues}: the plain ones and both roles' Avro ones. */
function formFields(): [FormField, Field<unknown>][] {
  const plain = Object.entries(f).filter(([key]) => key !== 'topicPick') as [FormField, Field<unknown>][];
  const avroFields = avroUis.flatMap((ui) => (Object.entries(ui.fields) as [AvroPart, Field<unknown>][]).map(([part, field]) => [avroField(ui.role, part), field] as [FormField, Field<unknown>]));
  return [...plain, ...avroFields];
}

const headerList = document.createElement('div');
headerList.id = 'headers';
headerList.className = 'field';
const headerRows: { name: Field<string>; value: Field<string>; root: HTMLElement }[] = [];
const headersError = document.createElement('div');
headersError.className = 'field-error';

function addHeader(row: HeaderRow = { name: '', value: '' }): void {
  const n = headerRows.length;
  const name = textField({ id: `header-name-${n}`, label: `Header ${n + 1} name` });
  const value = textField({ id: `header-value-${n}`, label: 'value' });
  name.set(row.name);
  value.set(row.value);
  const root = document.createElement('div');
  root.className = 'header-row';
  const entry = { name, value, root };
  const remove = button({
    id: `header-remove-${n}`,
    label: 'Remove',
    secondary: true,
    onClick: () => {
      root.remove();
      headerRows.splice(headerRows.indexOf(entry), 1);
    },
  });
  root.append(name.root, value.root, remove);
  headerRows.push(entry);
  headerList.insertBefore(root, addHeaderButton);
}
const addHeaderButton = button({ id: 'addHeader', label: 'Add header', secondary: true, onClick: () => addHeader() });
const headersLabel = document.createElement('label');
headersLabel.className = 'field-label';
headersLabel.textContent = 'Headers';
headerList.append(headersLabel, addHeaderButton, headersError);

const preview = statusLine('partitionPreview');
const status = statusLine('status');
const progress = statusLine('progress');
const summary = statusLine('summary');
const reply = statusLine('reply');
const createBox = document.createElement('div');
createBox.id = 'createTopicBox';
createBox.hidden = true;
const createText = document.createElement('div');
const createPartitions = textField({ id: 'createPartitions', label: 'Partitions for the new topic' });
createPartitions.set('1');
const createButton = button({
  id: 'createTopic',
  label: 'Create topic',
  onClick: () => {
    status.show('Creating the topic…', 'busy');
    post({ type: 'createTopic', requestId: nextRequestId++, connection: f.connection.get(), topic: f.topic.get().trim(), partitions: createPartitions.get() });
  },
});
createBox.append(createText, createPartitions.root, createButton);

const sendButton = button({ id: 'send', label: 'Send', onClick: () => send() });
const cancelButton = button({ id: 'cancelRun', label: 'Cancel', secondary: true, onClick: () => currentRun !== undefined && post({ type: 'cancel', runId: currentRun }) });
const browseButton = button({ id: 'browseFile', label: 'Browse…', secondary: true, onClick: () => post({ type: 'pickFile', requestId: nextRequestId++ }) });

const logFilter = dropdown({ id: 'logFilter', label: 'Show', choices: [ { value: 'all', label: 'All' }, { value: 'delivered', label: 'Delivered' }, { value: 'failed', label: 'Failed' }, { value: 'other', label: 'Not confirmed (acks=0, fire-and-forget)' } ] });
const log = document.createElement('div');
log.id = 'deliveryLog';
log.setAttribute('role', 'log');
const MAX_ROWS = 1000;

function values(): ProduceFormValues {
  const out: Record<string, unknown> = {};
  for (const [key, field] of formFields()) out[key] = field.get();
  out.headers = headerRows.map((h) => ({ name: h.name.get(), value: h.value.get() }));
  return out as unknown as ProduceFormValues;
}

function setValues(v: ProduceFormValues): void {
  const fields = new Map(formFields());
  for (const [key, value] of Object.entries(v)) {
    if (key === 'headers') continue;
    fields.get(key as FormField)?.set(value);
  }
  for (const h of [...headerRows]) h.root.remove();
  headerRows.length = 0;
  for (const h of v.headers) addHeader(h);
  updateVisibility();
}

function showErrors(errors: FieldErrors): void {
  for (const [key, field] of formFields()) field.setError(errors[key]);
  headersError.textContent = errors.headers ?? '';
}

function updateVisibility(): void {
  f.key.setVisible(f.keyFormat.get() !== 'none');
  f.partition.setVisible(f.partitionMode.get() === 'explicit');
  const file = f.source.get() === 'file';
  f.count.setVisible(!file);
  f.recordsFile.setVisible(file);
  browseButton.hidden = !file;
  f.replyTimeoutMs.setVisible(f.replyTopic.get().trim() !== '');
  f.value.setVisible(f.valueFormat.get() !== 'none');
  for (const ui of avroUis) {
    const isAvro = formatOf(ui.role) === 'avro';
    const fromFile = ui.source.get() !== 'registry';
    const wire = ui.encoding.get() === 'confluent';
    ui.source.setVisible(isAvro);
    ui.fields.SchemaFile.setVisible(isAvro && fromFile);
    ui.subject.setVisible(isAvro && !fromFile);
    ui.subjectPick.setVisible(isAvro && !fromFile);
    ui.encoding.setVisible(isAvro);
    // A registry subject's schema already has its id; the strategy and registering only matter for a file.
    ui.fields.Strategy.setVisible(isAvro && fromFile && wire);
    ui.fields.AutoRegister.setVisible(isAvro && fromFile && wire);
    ui.registryInfo.root.hidden = !isAvro;
  }
  keyCheck.root.hidden = formatOf('key') !== 'avro';
}

/** JSON checked as you type; placeholders count as a number so a template like {"n": {{i}}} passes. */
function checkValue(): void {
  if (formatOf('key') === 'avro') requestAvroCheck(avro.key);
  else avro.key.checkedInput = '';
  if (f.valueFormat.get() === 'avro') {
    requestAvroCheck(avro.value);
    return;
  }
  avro.value.checkedInput = '';
  if (f.valueFormat.get() !== 'json' || f.source.get() === 'file') {
    valueCheck.show('', 'info');
    return;
  }
  const text = f.value.get().replace(/\{\{.*?\}\}/gs, '0');
  try {
    JSON.parse(text);
    valueCheck.show('Valid JSON.', 'ok');
  } catch (e) {
    valueCheck.show(`Not valid JSON: ${(e as Error).message}`, 'error');
  }
}

function requestAvroCheck(ui: AvroUi): void {
  const v = values();
  const { role } = ui;
  // 'change' fires again on blur with nothing changed: keep the answer already shown.
  const input = JSON.stringify([v.connection, v.source, role === 'key' ? v.key : v.value, v[avroField(role, 'Source')], v[avroField(role, 'SchemaFile')], v[avroField(role, 'Subject')]]);
  if (input === ui.checkedInput) return;
  ui.checkedInput = input;
  clearTimeout(ui.timer);
  ui.check.show('Checking against the schema…', 'busy');
  ui.timer = setTimeout(() => {
    ui.checkId = nextRequestId++;
    post({ type: 'checkAvro', requestId: ui.checkId, role, values: values() });
  }, 200);
}

let previewTimer: ReturnType<typeof setTimeout> | undefined;
function requestPreview(): void {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(() => post({ type: 'preview', requestId: nextRequestId++, values: values() }), 200);
  api.setState({ values: { ...values(), value: '', key: '', headers: [] } });
}

function send(): void {
  showErrors({});
  createBox.hidden = true;
  reply.show('', 'info');
  status.show('Checking and sending…', 'busy');
  post({ type: 'send', requestId: nextRequestId++, values: values() });
}

function section(title: string, ...children: HTMLElement[]): HTMLElement {
  const s = document.createElement('section');
  const h = document.createElement('h3');
  h.textContent = title;
  s.append(h, ...children);
  return s;
}

function reportRow(r: ReportView): HTMLElement {
  const row = document.createElement('div');
  row.className = 'report';
  row.dataset.status = r.status;
  const head = document.createElement('div');
  const where = r.partition >= 0 ? `${r.topic} [${r.partition}]` : r.topic;
  const time = new Date(r.timestamp).toISOString();
  const text =
    r.status === 'delivered'
      ? `✓ #${r.seq} delivered: ${where} offset ${r.offset} · ${r.timestampType ?? ''} ${time} · ${r.latencyMs} ms`
      : r.status === 'unacknowledged'
        ? `◌ #${r.seq} sent with acks=0: ${where} · no offset (the broker does not answer acks=0) · ${r.latencyMs} ms`
        : r.status === 'not-awaited'
          ? `◌ #${r.seq} fire-and-forget: handed to the producer for ${where}; not awaited`
          : `✗ #${r.seq} failed: ${r.errorName ?? ''} · ${where}`;
  head.className = 'report-head';
  head.textContent = text;
  row.append(head);
  const body = document.createElement('div');
  body.className = 'report-body';
  body.textContent = `key: ${r.key ?? '(none)'} · value: ${r.value ?? '(null)'}`;
  row.append(body);
  if (r.status === 'failed') {
    const err = document.createElement('div');
    err.className = 'report-error';
    err.textContent = `${r.errorMessage ?? ''} ${r.hint ?? ''}`;
    row.append(err);
  }
  if (r.status === 'delivered' && r.offset !== undefined) {
    const offset = r.offset;
    row.append(button({ id: `open-${r.runId}-${r.seq}`, label: 'Open in viewer', secondary: true, onClick: () => post({ type: 'openRecord', topic: r.topic, partition: r.partition, offset }) }));
  }
  applyFilter(row);
  return row;
}

function applyFilter(row: HTMLElement): void {
  const want = logFilter.get();
  const s = row.dataset.status;
  row.hidden = !(want === 'all' || want === s || (want === 'other' && (s === 'unacknowledged' || s === 'not-awaited')));
}

function describeSummary(s: RunSummary): string {
  const parts = [`${s.total} record(s) to ${s.topic}: ${s.delivered} delivered`];
  if (s.unacknowledged) parts.push(`${s.unacknowledged} sent with acks=0 (no offset)`);
  if (s.notAwaited) parts.push(`${s.notAwaited} handed over, not awaited`);
  parts.push(`${s.failed} failed${s.notSent ? ` (${s.notSent} of them not sent)` : ''}`);
  parts.push(`${s.recordsPerSecond} records/s in ${(s.elapsedMs / 1000).toFixed(1)} s`);
  if (s.cancelled) parts.push('cancelled');
  let text = parts.join(', ') + '.';
  if (s.transactionalId) text += `\nTransaction ${s.transactionalId}: ${s.transactionOutcome ?? 'not finished'}.`;
  if (s.notes.length) text += `\n${s.notes.join('\n')}`;
  return text;
}

function render(): void {
  const app = document.getElementById('app');
  if (!app) return;
  const heading = document.createElement('h2');
  heading.textContent = 'Produce Message';
  const fileRow = f.recordsFile.root;
  fileRow.append(browseButton);
  for (const ui of avroUis) ui.fields.SchemaFile.root.append(ui.browse);
  const avroRoots = (ui: AvroUi) => [ui.source.root, ui.fields.SchemaFile.root, ui.subject.root, ui.subjectPick.root, ui.registryInfo.root, ui.encoding.root, ui.fields.Strategy.root, ui.fields.AutoRegister.root];
  const settings = document.createElement('details');
  const summaryEl = document.createElement('summary');
  summaryEl.textContent = 'Producer settings';
  settings.append(summaryEl, ...[f.acks, f.idempotent, f.maxInFlightRequests, f.compression, f.lingerMs, f.batchSize, f.requestTimeoutMs, f.retries].map((x) => x.root));
  const actions = document.createElement('div');
  actions.className = 'actions';
  actions.append(sendButton, cancelButton);
  app.replaceChildren(
    heading,
    f.connection.root,
    f.topic.root,
    f.topicPick.root,
    createBox,
    f.keyFormat.root,
    ...avroRoots(avro.key),
    f.key.root,
    keyCheck.root,
    f.valueFormat.root,
    ...avroRoots(avro.value),
    f.value.root,
    valueCheck.root,
    headerList,
    f.partitionMode.root,
    f.partition.root,
    preview.root,
    f.source.root,
    f.count.root,
    fileRow,
    f.sendStyle.root,
    f.transaction.root,
    settings,
    f.replyTopic.root,
    f.replyTimeoutMs.root,
    actions,
    status.root,
    progress.root,
    summary.root,
    reply.root,
    section('Delivery log (newest first)', logFilter.root, log),
  );
  cancelButton.hidden = true;
  for (const key of ['connection', 'topic', 'keyFormat', 'key', 'partitionMode', 'partition', 'acks', 'idempotent', 'maxInFlightRequests', 'compression', 'lingerMs', 'batchSize', 'requestTimeoutMs', 'retries'] as const) {
    f[key].onChange(requestPreview);
  }
  f.connection.onChange(() => post({ type: 'loadTopics', connection: f.connection.get() }));
  f.topicPick.onChange(() => {
    if (f.topicPick.get()) {
      f.topic.set(f.topicPick.get());
      requestPreview();
    }
  });
  for (const field of [f.keyFormat, f.partitionMode, f.source, f.replyTopic, f.valueFormat, ...avroUis.flatMap((ui) => [ui.source, ui.encoding])]) field.onChange(updateVisibility);
  for (const field of [f.key, f.keyFormat, f.value, f.valueFormat, f.source, f.connection, ...avroUis.flatMap((ui) => [ui.source, ui.fields.SchemaFile, ui.subject])]) field.onChange(checkValue);
  for (const ui of avroUis) {
    ui.subjectPick.onChange(() => {
      if (ui.subjectPick.get()) {
        ui.subject.set(ui.subjectPick.get());
        checkValue();
      }
    });
  }
  logFilter.onChange(() => {
    for (const row of Array.from(log.children)) applyFilter(row as HTMLElement);
  });
}

onHostMessage<ProduceMessage>((m) => {
  switch (m.type) {
    case 'init':
      render();
      setChoices(f.connection, m.connections.map((c) => ({ value: c, label: c })));
      setChoices(f.compression, m.compressions.map((c) => ({ value: c, label: c })));
      setChoices(f.valueFormat, [...m.valueFormats, 'none'].map((v) => ({ value: v, label: v === 'none' ? 'Null value' : v === 'json' ? 'JSON' : v === 'string' ? 'String' : 'Avro' })));
      setChoices(f.keyFormat, (['none', ...m.valueFormats] as const).map((v) => ({ value: v, label: v === 'none' ? 'No key' : v === 'json' ? 'JSON' : v === 'string' ? 'String' : 'Avro' })));
      // The toolkit's elements upgrade asynchronously; set values once they exist.
      requestAnimationFrame(() => {
        setValues(m.values);
        checkValue();
        requestPreview();
      });
      break;
    case 'prefill':
      for (const ui of avroUis) ui.checkedInput = '';
      setValues(m.values);
      post({ type: 'loadTopics', connection: m.values.connection });
      checkValue();
      requestPreview();
      break;
    case 'topics':
      if (m.connection !== f.connection.get()) break;
      topics = m.topics;
      setChoices(f.topicPick, [{ value: '', label: m.error ? `(${m.error})` : `${topics.length} topic(s): pick one` }, ...topics.map((t) => ({ value: t.name, label: `${t.name} (${t.partitions})` }))]);
      f.topicPick.set('');
      requestPreview();
      break;
    case 'preview':
      preview.show(m.text, /does not exist|needs/.test(m.text) ? 'error' : 'info');
      showErrors(m.errors);
      break;
    case 'rejected':
      showErrors(m.errors);
      status.show(m.message, 'error');
      if (m.unknownTopic) {
        createText.textContent = `Topic "${m.unknownTopic}" does not exist. Create it? (It is never created automatically.)`;
        createBox.hidden = false;
      }
      break;
    case 'started':
      currentRun = m.runId;
      cancelButton.hidden = false;
      status.show(`Sending ${m.total} record(s)…${m.notes.length ? `\n${m.notes.join('\n')}` : ''}`, 'busy');
      summary.show('', 'info');
      break;
    case 'progress': {
      const p = m.progress;
      progress.show(`${p.delivered + p.failed} of ${p.total} reported (${p.failed} failed) · ${p.recordsPerSecond} records/s`, 'info');
      break;
    }
    case 'reports':
      for (const r of m.reports) log.prepend(reportRow(r));
      while (log.children.length > MAX_ROWS) log.lastElementChild?.remove();
      break;
    case 'done':
      if (m.summary.runId === currentRun) {
        currentRun = undefined;
        cancelButton.hidden = true;
      }
      status.show(
        m.summary.cancelled ? `Cancelled: ${m.summary.notSent} record(s) not sent.` : m.summary.failed > 0 ? 'Done, with failures: see the delivery log.' : 'Done.',
        m.summary.failed > 0 ? 'error' : 'ok',
      );
      summary.show(describeSummary(m.summary), m.summary.failed > 0 ? 'error' : 'ok');
      break;
    case 'reply':
      reply.show(m.ok ? `${m.text}\nReply value: ${m.value ?? ''}` : m.text, m.ok ? 'ok' : 'error');
      break;
    case 'topicCreated':
      status.show(m.text, m.ok ? 'ok' : 'error');
      if (m.ok) createBox.hidden = true;
      break;
    case 'filePicked':
      if (m.path) f.recordsFile.set(m.path);
      break;
    case 'schemaPicked':
      if (m.path) {
        avro[m.role].fields.SchemaFile.set(m.path);
        checkValue();
      }
      break;
    case 'avroCheck':
      if (m.requestId !== avro[m.role].checkId || formatOf(m.role) !== 'avro') break;
      avro[m.role].check.show(m.text, m.ok ? 'ok' : 'error');
      break;
    case 'registry':
      if (m.connection !== f.connection.get()) break;
      for (const ui of avroUis) {
        ui.registryInfo.show(m.error ? `Schema Registry: ${m.error}.` : `Schema Registry ${m.url ?? ''}: ${m.subjects.length} subject(s).`, m.error ? 'info' : 'ok');
        setChoices(ui.subjectPick, [{ value: '', label: m.error ? '(no subjects)' : `${m.subjects.length} subject(s): pick one` }, ...m.subjects.map((s) => ({ value: s, label: s }))]);
        ui.subjectPick.set('');
      }
      break;
  }
});

post({ type: 'ready' });
