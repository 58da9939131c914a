// Two Kafka admin requests kafkajs 2.2.4 cannot send (its ElectLeaders entry is "not implemented",
// DescribeQuorum is absent), encoded here with kafkajs' own wire encoder and sent through a kafkajs
// broker connection (KafkaClient.sendToController), so authentication and TLS are the profile's.
// Field layouts follow Kafka's message definitions (clients/src/main/resources/common/message/
// ElectLeadersRequest.json, DescribeQuorumRequest.json and their responses).
import Decoder from 'kafkajs/src/protocol/decoder';
import Encoder from 'kafkajs/src/protocol/encoder';
import { errorCodes } from 'kafkajs/src/protocol/error';
import type { RawProtocolRequest } from './client';

const API_ELECT_LEADERS = 43;
const API_DESCRIBE_QUORUM = 55;

/** Kafka's name for an error code (ELECTION_NOT_NEEDED, ...), or `error <code>`. */
export function errorName(code: number): string {
  return errorCodes.find((e) => e.code === code)?.type ?? `error ${code}`;
}

export interface ElectionResult {
  topic: string;
  partition: number;
  /** 0 when the election happened; ELECTION_NOT_NEEDED (84) when the preferred replica already leads. */
  errorCode: number;
  errorName: string | undefined;
  errorMessage: string | null;
}

/**
 * ElectLeaders v1 (not flexible): election_type INT8, topic_partitions [topic STRING, partitions
 * [INT32]] (null: every partition), timeout_ms INT32. Response: throttle_time_ms INT32, error_code
 * INT16, replica_election_results [topic STRING, partition_result [partition_id INT32, error_code
 * INT16, error_message NULLABLE_STRING]].
 */
export function electLeadersRequest(
  partitions: { topic: string; partitions: number[] }[] | null,
  timeoutMs: number,
  electionType: 'preferred' | 'unclean' = 'preferred',
): RawProtocolRequest {
  return {
    request: {
      apiKey: API_ELECT_LEADERS,
      apiVersion: 1,
      apiName: 'ElectLeaders',
      encode: async () => {
        const e = new Encoder().writeInt8(electionType === 'preferred' ? 0 : 1);
        if (partitions === null) e.writeInt32(-1);
        else e.writeArray(partitions.map((t) => new Encoder().writeString(t.topic).writeArray(t.partitions, 'int32')), 'object');
        return e.writeInt32(timeoutMs);
      },
    },
    response: {
      decode: async (raw: Buffer) => {
        const d = new Decoder(raw);
        const throttleTime = d.readInt32();
        const errorCode = d.readInt16();
        const results = d.readArray((t) => {
          const topic = t.readString() ?? '';
          return t.readArray((p) => {
            const partition = p.readInt32();
            const code = p.readInt16();
            const message = p.readString();
            return { topic, partition, errorCode: code, errorName: code ? errorName(code) : undefined, errorMessage: message };
          });
        });
        return { throttleTime, errorCode, results: results.flat() };
      },
      parse: async (data) => data,
    },
  };
}

export interface ElectLeadersResponse {
  errorCode: number;
  results: ElectionResult[];
}

export interface QuorumReplica {
  replicaId: number;
  logEndOffset: string;
}

export interface QuorumDescription {
  errorCode: number;
  /** The active controller: the leader of the metadata log. */
  leaderId: number;
  leaderEpoch: number;
  highWatermark: string;
  voters: QuorumReplica[];
  observers: QuorumReplica[];
}

/**
 * DescribeQuorum v0 (flexible, so the header and every struct carry tagged fields) for the metadata
 * log __cluster_metadata-0. Brokers forward it to the controllers (KIP-595, KIP-836).
 */
export function describeQuorumRequest(): RawProtocolRequest {
  return {
    request: {
      apiKey: API_DESCRIBE_QUORUM,
      apiVersion: 0,
      apiName: 'DescribeQuorum',
      encode: async () =>
        new Encoder()
          .writeUVarIntBytes() // request header tagged fields (kafkajs writes header v1)
          .writeUVarIntArray([
            new Encoder()
              .writeUVarIntString('__cluster_metadata')
              .writeUVarIntArray([new Encoder().writeInt32(0).writeUVarIntBytes()])
              .writeUVarIntBytes(),
          ])
          .writeUVarIntBytes(),
    },
    response: {
      decode: async (raw: Buffer) => {
        const d = new Decoder(raw);
        d.readTaggedFields(); // response header
        const errorCode = d.readInt16();
        const replica = (r: Decoder): QuorumReplica => {
          const out = { replicaId: r.readInt32(), logEndOffset: r.readInt64().toString() };
          r.readTaggedFields();
          return out;
        };
        const topics =
          d.readUVarIntArray((t) => {
            t.readUVarIntString();
            const partitions =
              t.readUVarIntArray((p) => {
                const out = {
                  partition: p.readInt32(),
                  errorCode: p.readInt16(),
                  leaderId: p.readInt32(),
                  leaderEpoch: p.readInt32(),
                  highWatermark: p.readInt64().toString(),
                  voters: p.readUVarIntArray(replica) ?? [],
                  observers: p.readUVarIntArray(replica) ?? [],
                };
                p.readTaggedFields();
                return out;
              }) ?? [];
            t.readTaggedFields();
            return partitions;
          }) ?? [];
        const p = topics.flat()[0];
        const result: QuorumDescription = p
          ? { errorCode: errorCode || p.errorCode, leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, highWatermark: p.highWatermark, voters: p.voters, observers: p.observers }
          : { errorCode: errorCode || -1, leaderId: -1, leaderEpoch: -1, highWatermark: '-1', voters: [], observers: [] };
        return result;
      },
      parse: async (data) => data,
    },
  };
}

/**
 * AlterPartitionReassignments v0 (flexible). kafkajs has it, but refuses a null replica list,
 * which is how a reassignment in progress is cancelled, so both directions are encoded here.
 * `replicas: null` cancels the partition's reassignment.
 */
export function alterReassignmentsRequest(
  topics: { topic: string; partitions: { partition: number; replicas: number[] | null }[] }[],
  timeoutMs: number,
): RawProtocolRequest {
  return {
    request: {
      apiKey: 45,
      apiVersion: 0,
      apiName: 'AlterPartitionReassignments',
      encode: async () =>
        new Encoder()
          .writeUVarIntBytes() // request header tagged fields
          .writeInt32(timeoutMs)
          .writeUVarIntArray(
            topics.map((t) =>
              new Encoder()
                .writeUVarIntString(t.topic)
                .writeUVarIntArray(
                  t.partitions.map((p) =>
                    new Encoder()
                      .writeInt32(p.partition)
                      .writeUVarIntArray(p.replicas === null ? null : p.replicas.map((r) => new Encoder().writeInt32(r)))
                      .writeUVarIntBytes(),
                  ),
                )
                .writeUVarIntBytes(),
            ),
          )
          .writeUVarIntBytes(),
    },
    response: {
      decode: async (raw: Buffer) => {
        const d = new Decoder(raw);
        d.readTaggedFields();
        d.readInt32(); // throttle
        const errorCode = d.readInt16();
        const errorMessage = d.readUVarIntString();
        const results =
          d.readUVarIntArray((t) => {
            const topic = t.readUVarIntString() ?? '';
            const partitions =
              t.readUVarIntArray((p) => {
                const out = { topic, partition: p.readInt32(), errorCode: p.readInt16(), errorMessage: p.readUVarIntString() };
                p.readTaggedFields();
                return out;
              }) ?? [];
            t.readTaggedFields();
            return partitions;
          }) ?? [];
        return { errorCode, errorMessage, results: results.flat() };
      },
      parse: async (data) => data,
    },
  };
}

export interface AlterReassignmentsResponse {
  errorCode: number;
  errorMessage: string | null;
  results: { topic: string; partition: number; errorCode: number; errorMessage: string | null }[];
}
