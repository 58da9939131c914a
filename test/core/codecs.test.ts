import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { KafkaClient } from '../../src/core/kafka/client';
// Registers the codecs with kafkajs, as the producer and consumer modules do.
import '../../src/core/kafka/codecs';
import { createTopic } from '../../src/core/kafka/topics';
import { plainClient } from '../support/plainClient';
import { testBroker, type BrokerInfo } from '../support/testBroker';

/** kcat (librdkafka) produces the lines, compressed with `codec`. */
function kcatProduce(bootstrap: string, topic: string, codec: string, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', ['-b', bootstrap, '-P', '-t', topic, '-z', codec]);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited ${code}: ${stderr}`))));
    child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  });
}

describe('Compression codecs read what librdkafka writes', function () {
  this.timeout(60_000);
  let broker: BrokerInfo;
  let client: KafkaClient;

  before(async () => {
    broker = await testBroker();
    client = await plainClient(broker.bootstrap, 'codecs-test');
  });

  after(async () => {
    await client.close();
  });

  for (const codec of ['snappy', 'lz4', 'zstd']) {
    it(`decompresses ${codec} batches produced by kcat`, async () => {
      const topic = `codec-${codec}-${randomUUID().slice(0, 8)}`;
      await createTopic(client, { name: topic, partitions: 1, replicationFactor: 1 }, 1);
      const lines = Array.from({ length: 300 }, (_, i) => `${codec} line ${i} ${'x'.repeat(50)}`);
      await kcatProduce(broker.bootstrap, topic, codec, lines);
      const consumer = client.kafkajs.consumer({ groupId: `codecs-${randomUUID()}` });
      const seen: string[] = [];
      try {
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${lines.length} records arrived`)), 30_000);
          void consumer.run({
            eachMessage: async ({ message }) => {
              seen.push(message.value?.toString() ?? '');
              if (seen.length === lines.length) {
                clearTimeout(timer);
                resolve();
              }
            },
          });
        });
      } finally {
        await consumer.disconnect();
      }
      assert.deepEqual(seen, lines);
    });
  }
});
