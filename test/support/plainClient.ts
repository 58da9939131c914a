import { KafkaClient } from '../../src/core/kafka/client';

/** A KafkaClient to the broker's PLAINTEXT listener, for setting up and checking tests. */
export function plainClient(bootstrap: string, clientId: string, timeoutMs = 15_000): Promise<KafkaClient> {
  return KafkaClient.create(
    { name: clientId, clientId, bootstrapServers: [bootstrap], sasl: { mechanism: 'none' }, tls: { enabled: false, verifyHostname: true } },
    {},
    { timeoutMs },
  );
}
