import type { KafkaClient } from './client';
import type { TailListener, TailOptions, TailState } from './consumer';
import { KafkaWorkbenchError } from './errors';
import { topicPartitions } from './offsets';

/**
 * The partitions a tail reads: the chosen ones (each once, in order), else all of the topic's. The
 * topic is looked up either way, so a missing topic is said before anything else is checked.
 */
export async function tailPartitions(client: KafkaClient, options: TailOptions): Promise<number[]> {
  const all = await topicPartitions(client, options.topic);
  return options.partitions?.length ? [...new Set(options.partitions)].sort((a, b) => a - b) : all;
}

/** What both live reads share (TopicTail through a group, DirectTail without): state, positions, the topic check. */
export abstract class TailBase {
  protected current: TailState = { state: 'starting' };
  /** Next offset per partition: last delivered + 1 (or where the read starts). */
  protected readonly next = new Map<number, string>();
  protected stopping: Promise<void> | undefined;
  protected watchTimer: NodeJS.Timeout | undefined;
  protected untrack: (() => void) | undefined;

  protected constructor(
    protected readonly client: KafkaClient,
    readonly options: TailOptions,
    /** The partitions read (partitions added to the topic later join them). */
    public partitions: number[],
    /** Where each partition's read starts; undefined: the group's committed offset. */
    protected readonly initial: Map<number, string | undefined>,
    protected readonly listener: TailListener,
  ) {}

  get state(): TailState {
    return this.current;
  }

  protected setState(state: TailState): void {
    this.current = state;
    this.listener.state?.(state);
  }

  /** Next offset per partition: last delivered + 1. */
  positions(): Map<number, string> {
    return new Map(this.next);
  }

  /** Closes what the tail reads through (its consumer, or its connections). */
  protected abstract release(): Promise<void>;

  /** Stops reading and releases what the tail read through. Safe to call twice. */
  stop(error?: KafkaWorkbenchError): Promise<void> {
    this.stopping ??= (async () => {
      if (this.watchTimer) clearInterval(this.watchTimer);
      this.untrack?.();
      await this.release();
      this.setState({ state: 'stopped', error });
    })();
    return this.stopping;
  }

  /** False only when the cluster says the topic is gone (an outage is not an answer). */
  protected async topicStillExists(): Promise<boolean> {
    try {
      await topicPartitions(this.client, this.options.topic);
      return true;
    } catch (e) {
      return !(e instanceof KafkaWorkbenchError && e.reason === 'unknown-topic');
    }
  }
}
