// explainDeliveryError on kafkajs' own error objects: whether a failed send "may have been written"
// decides whether RecordProducer renews its producer id, so a wrong "not written" loses the next
// batch (see clusterRetries.test.ts, which drives the same errors on three real brokers).
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { explainDeliveryError } from '../../src/core/kafka/producer';

const { createErrorFromCode } = createRequire(__filename)('kafkajs/src/protocol/error') as { createErrorFromCode: (code: number) => Error & { type: string } };
const NOT_ENOUGH_REPLICAS = 19;
const REQUEST_TIMED_OUT = 7;
const MESSAGE_TOO_LARGE = 10;

/** What kafkajs' retrier throws after its last attempt, with what patch 010 attaches: every attempt's failure. */
function retriesExceeded(attempts: Error[]): Error {
  const last = attempts[attempts.length - 1];
  (last as { attemptFailures?: unknown }).attemptFailures = attempts.map((e) => ({ name: e.name, type: (e as { type?: string }).type, message: e.message }));
  return new KafkaJSNumberOfRetriesExceeded(last, { retryCount: attempts.length - 1, retryTime: 300 });
}

describe('Delivery errors: "may have been written" across kafkajs retries', () => {
  it('NOT_ENOUGH_REPLICAS alone was refused before any write: not written', () => {
    const e = explainDeliveryError(retriesExceeded([createErrorFromCode(NOT_ENOUGH_REPLICAS), createErrorFromCode(NOT_ENOUGH_REPLICAS)]));
    assert.equal(e.name, 'NOT_ENOUGH_REPLICAS');
    assert.equal(e.mayBeWritten, false);
  });

  it('NOT_ENOUGH_REPLICAS after an attempt that timed out: may have been written, and the message says why', () => {
    const e = explainDeliveryError(retriesExceeded([createErrorFromCode(REQUEST_TIMED_OUT), createErrorFromCode(NOT_ENOUGH_REPLICAS)]));
    assert.equal(e.name, 'NOT_ENOUGH_REPLICAS');
    assert.equal(e.mayBeWritten, true);
    assert.match(e.message, /earlier attempt failed with REQUEST_TIMED_OUT/);
    assert.match(e.hint, /may already be there/);
  });

  it('a refusal after a lost connection: may have been written', () => {
    const lost = new KafkaJSConnectionError('Connection closed', { broker: '127.0.0.1:9092' });
    const e = explainDeliveryError(retriesExceeded([lost, createErrorFromCode(NOT_ENOUGH_REPLICAS)]));
    assert.equal(e.mayBeWritten, true);
  });

  it('the last attempt decides alone when it is itself ambiguous, and a plain refusal stays not written', () => {
    assert.equal(explainDeliveryError(retriesExceeded([createErrorFromCode(REQUEST_TIMED_OUT)])).mayBeWritten, true);
    const tooLarge = new KafkaJSProtocolError(createErrorFromCode(MESSAGE_TOO_LARGE));
    const e = explainDeliveryError(tooLarge);
    assert.equal(e.name, 'MESSAGE_TOO_LARGE');
    assert.equal(e.mayBeWritten, false);
    assert.doesNotMatch(e.message, /earlier attempt/);
  });
});
