// Connection presets for managed Kafka services: what each asks for, so the form can be filled
// correctly by someone who has only the provider's console open. Sources: each provider's own
// "connect a Kafka client" documentation (listener, mechanism, port, certificates).
import type { SaslMechanism } from './profile';

export interface ConnectionPreset {
  id: string;
  label: string;
  mechanism: SaslMechanism;
  tls: boolean;
  /** 'system': the provider's certificate is signed by a public CA; 'pem': the provider gives a CA file. */
  trust: 'system' | 'pem';
  /** 'pem': the provider gives a client certificate and key (service.cert, service.key). */
  clientAuth: 'none' | 'pem';
  bootstrapPlaceholder: string;
  /** What the user name and password fields are called in the provider's console. */
  usernameLabel?: string;
  passwordLabel?: string;
  /** One line shown under the preset: where to find what to enter. */
  help: string;
}

export const CONNECTION_PRESETS: readonly ConnectionPreset[] = [
  {
    id: 'confluent-cloud',
    label: 'Confluent Cloud (API key)',
    mechanism: 'plain',
    tls: true,
    trust: 'system',
    clientAuth: 'none',
    bootstrapPlaceholder: 'pkc-xxxxx.eu-west-1.aws.confluent.cloud:9092',
    usernameLabel: 'API key',
    passwordLabel: 'API secret',
    help: 'SASL_SSL with PLAIN: the cluster API key is the user name, its secret the password (Cluster → API keys).',
  },
  {
    id: 'redpanda',
    label: 'Redpanda (SCRAM)',
    mechanism: 'scram-sha-256',
    tls: true,
    trust: 'system',
    clientAuth: 'none',
    bootstrapPlaceholder: 'seed-xxxxx.xxxxx.fmc.prd.cloud.redpanda.com:9092',
    help: 'SASL_SSL with SCRAM-SHA-256: a user from Security → Users (self-hosted: use SCRAM-SHA-512 if the user was made so, and your CA file).',
  },
  {
    id: 'aiven-tls',
    label: 'Aiven (client certificate)',
    mechanism: 'none',
    tls: true,
    trust: 'pem',
    clientAuth: 'pem',
    bootstrapPlaceholder: 'kafka-xxxxx-project.aivencloud.com:12345',
    help: "SSL with a client certificate: download ca.pem, service.cert and service.key from the service's overview page.",
  },
  {
    id: 'aiven-scram',
    label: 'Aiven (SCRAM)',
    mechanism: 'scram-sha-256',
    tls: true,
    trust: 'pem',
    clientAuth: 'none',
    bootstrapPlaceholder: 'kafka-xxxxx-project.aivencloud.com:12346',
    help: 'SASL_SSL with SCRAM-SHA-256 on the SASL port (enable SASL in Advanced configuration); trust ca.pem from the overview page.',
  },
  {
    id: 'msk-scram',
    label: 'Amazon MSK (SCRAM)',
    mechanism: 'scram-sha-512',
    tls: true,
    trust: 'system',
    clientAuth: 'none',
    bootstrapPlaceholder: 'b-1.cluster.xxxxxx.c2.kafka.us-east-1.amazonaws.com:9096',
    help: 'SASL_SSL with SCRAM-SHA-512 on port 9096; the user and password are the Secrets Manager secret linked to the cluster. (MSK IAM is not supported yet.)',
  },
];
