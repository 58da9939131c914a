import { button, checkbox, dropdown, setChoices, statusLine, textArea, textField, type Field } from '../components/controls';
import { onHostMessage, vscodeApi } from '../components/vscodeApi';
import type {
  AvroEncodingChoice,
  AvroSourceChoice,
  AvroStrategyChoice,
  FieldErrors,
  HeaderRow,
  ProduceFormValues,
  ProduceMessage,
  ProduceRequest,
  ReportView,
  RunSummary,
  TopicChoice,
  ValueFormatChoice,
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
  keyFormat: dropdown({ id: 'keyFormat', label: 'Key', choices: [ { value: 'none', label: 'No key' }, { value: 'string', label: 'String' }, { value: 'json', label: 'JSON' } ] }),
  key: textField({ id: 'key', label: 'Key text', placeholder: 'order-{{i}}' }),
  valueFormat: dropdown<ValueFormatChoice>({ id: 'valueFormat', label: 'Value format', choices: [] }),
  avroSource: dropdown<AvroSourceChoice>({ id: 'avroSource', label: 'Avro schema from', choices: [ { value: 'file', label: 'A workspace .avsc file' }, { value: 'registry', label: 'A Schema Registry subject (latest version)' } ] }),
  avroSchemaFile: textField({ id: 'avroSchemaFile', label: 'Schema file (.avsc)', placeholder: 'schemas/order.avsc' }),
  avroSubject: textField({ id: 'avroSubject', label: 'Subject', placeholder: 'orders-value' }),
  avroSubjectPick: dropdown<string>({ id: 'avroSubjectPick', label: 'Subjects in the registry', choices: [] }),
  avroEncoding: dropdown<AvroEncodingChoice>({ id: 'avroEncoding', label: 'Avro encoding', choices: [ { value: 'raw', label: 'Raw Avro binary' }, { value: 'confluent', label: 'Confluent wire format (magic byte + schema id; needs a Schema Registry)' } ] }),
  avroStrategy: dropdown<AvroStrategyChoice>({ id: 'avroStrategy', label: 'Subject name strategy', choices: [ { value: 'TopicNameStrategy', label: 'TopicNameStrategy (<topic>-value)' }, { value: 'RecordNameStrategy', label: 'RecordNameStrategy (<record full name>)' }, { value: 'TopicRecordNameStrategy', label: 'TopicRecordNameStrategy (<topic>-<record full name>)' } ] }),
  avroAutoRegister: checkbox({ id: 'avroAutoRegister', label: 'Register the schema when the subject does not have it' }),
  value: textArea({ id: 'value', label: 'Value', rows: 6, hint: 'Placeholders: {{i}} {{uuid}} {{timestamp}} {{random.int(1,100)}} {{random.float(0,1)}} {{random.pick(a,b)}} {{random.string(8)}} {{random.bool}}. Avro: JSON with unions as {"string": "x"}, decimals as "12.34", timestamp-millis as ISO-8601.' }),
  partitionMode: dropdown({ id: 'partitionMode', label: 'Partition', choices: [ { value: 'any', label: 'Any (round-robin)' }, { value: 'key-hash', label: 'By key hash (Java murmur2)' }, { value: 'explicit', label: 'Explicit number' } ] }),
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
const valueCheck = statusLine('valueCheck');
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
const browseSchemaButton = button({ id: 'browseSchema', label: 'Choose…', secondary: true, onClick: () => post({ type: 'pickSchema', requestId: nextRequestId++ }) });
const registryInfo = statusLine('registryInfo');

const logFilter = dropdown({ id: 'logFilter', label: 'Show', choices: [ { value: 'all', label: 'All' }, { value: 'delivered', label: 'Delivered' }, { value: 'failed', label: 'Failed' }, { value: 'other', label: 'Not confirmed (acks=0, fire-and-forget)' } ] });
const log = document.createElement('div');
log.id = 'deliveryLog';
log.setAttribute('role', 'log');
const MAX_ROWS = 1000;

function values(): ProduceFormValues {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(f)) if (key !== 'topicPick' && key !== 'avroSubjectPick') out[key] = (field as Field<unknown>).get();
  out.headers = headerRows.map((h) => ({ name: h.name.get(), value: h.value.get() }));
  return out as unknown as ProduceFormValues;
}

function setValues(v: ProduceFormValues): void {
  for (const [key, value] of Object.entries(v)) {
    if (key === 'headers') continue;
    (f as Record<string, Field<unknown>>)[key]?.set(value);
  }
  for (const h of [...headerRows]) h.root.remove();
  headerRows.length = 0;
  for (const h of v.headers) addHeader(h);
  updateVisibility();
}

function showErrors(errors: FieldErrors): void {
  for (const [key, field] of Object.entries(f)) (field as Field<unknown>).setError(errors[key as keyof FieldErrors]);
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
  const avro = f.valueFormat.get() === 'avro';
  const fromFile = f.avroSource.get() !== 'registry';
  const wire = f.avroEncoding.get() === 'confluent';
  f.avroSource.setVisible(avro);
  f.avroSchemaFile.setVisible(avro && fromFile);
  f.avroSubject.setVisible(avro && !fromFile);
  f.avroSubjectPick.setVisible(avro && !fromFile);
  f.avroEncoding.setVisible(avro);
  // A registry subject's schema already has its id; the strategy and registering only matter for a file.
  f.avroStrategy.setVisible(avro && fromFile && wire);
  f.avroAutoRegister.setVisible(avro && fromFile && wire);
  registryInfo.root.hidden = !avro;
}

/** JSON checked as you type; placeholders count as a number so a template like {"n": {{i}}} passes. */
function checkValue(): void {
  if (f.valueFormat.get() === 'avro') {
    requestAvroCheck();
    return;
  }
  avroCheckedInput = '';
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

// The host checks Avro values (it has the schema); only the newest answer is shown.
let avroTimer: ReturnType<typeof setTimeout> | undefined;
let avroCheckId = 0;
let avroCheckedInput = '';
function requestAvroCheck(): void {
  const v = values();
  // 'change' fires again on blur with nothing changed: keep the answer already shown.
  const input = JSON.stringify([v.connection, v.source, v.value, v.avroSource, v.avroSchemaFile, v.avroSubject]);
  if (input === avroCheckedInput) return;
  avroCheckedInput = input;
  clearTimeout(avroTimer);
  valueCheck.show('Checking against the schema…', 'busy');
  avroTimer = setTimeout(() => {
    avroCheckId = nextRequestId++;
    post({ type: 'checkAvro', requestId: avroCheckId, values: values() });
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
  f.avroSchemaFile.root.append(browseSchemaButton);
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
    f.key.root,
    f.valueFormat.root,
    f.avroSource.root,
    f.avroSchemaFile.root,
    f.avroSubject.root,
    f.avroSubjectPick.root,
    registryInfo.root,
    f.avroEncoding.root,
    f.avroStrategy.root,
    f.avroAutoRegister.root,
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
  for (const field of [f.keyFormat, f.partitionMode, f.source, f.replyTopic, f.valueFormat, f.avroSource, f.avroEncoding]) field.onChange(updateVisibility);
  for (const field of [f.value, f.valueFormat, f.source, f.connection, f.avroSource, f.avroSchemaFile, f.avroSubject]) field.onChange(checkValue);
  f.avroSubjectPick.onChange(() => {
    if (f.avroSubjectPick.get()) {
      f.avroSubject.set(f.avroSubjectPick.get());
      checkValue();
    }
  });
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
      // The toolkit's elements upgrade asynchronously; set values once they exist.
      requestAnimationFrame(() => {
        setValues(m.values);
        checkValue();
        requestPreview();
      });
      break;
    case 'prefill':
      avroCheckedInput = '';
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
        f.avroSchemaFile.set(m.path);
        checkValue();
      }
      break;
    case 'avroCheck':
      if (m.requestId !== avroCheckId || f.valueFormat.get() !== 'avro') break;
      valueCheck.show(m.text, m.ok ? 'ok' : 'error');
      break;
    case 'registry':
      if (m.connection !== f.connection.get()) break;
      registryInfo.show(m.error ? `Schema Registry: ${m.error}.` : `Schema Registry ${m.url ?? ''}: ${m.subjects.length} subject(s).`, m.error ? 'info' : 'ok');
      setChoices(f.avroSubjectPick, [{ value: '', label: m.error ? '(no subjects)' : `${m.subjects.length} subject(s): pick one` }, ...m.subjects.map((s) => ({ value: s, label: s }))]);
      f.avroSubjectPick.set('');
      break;
  }
});

post({ type: 'ready' });
