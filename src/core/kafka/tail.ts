import type { KafkaClient } from './client';
import { TopicTail, type Tail, type TailListener, type TailOptions } from './consumer';
import { DirectTail } from './directTail';

/**
 * Starts a live read: through the group when the options name one ({@link TopicTail}), else straight
 * from the partition leaders ({@link DirectTail}: no group join, nothing left on the cluster).
 */
export function startTail(client: KafkaClient, options: TailOptions, listener: TailListener): Promise<Tail> {
  return options.group ? TopicTail.start(client, options, listener) : DirectTail.start(client, options, listener);
}
