import { resolveCustomerId, type CustomerReference } from '@c360/domain';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';

export interface PublishableTouchpoint {
  touchpointId: string;
  customer: CustomerReference;
  [field: string]: unknown;
}

/**
 * What channels use to publish touchpoints: the key is the customer's id (derived, never the raw
 * e-mail or phone), so one customer's touchpoints share a partition and keep their order.
 */
export class TouchpointPublisher {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic = 'c360.touchpoints',
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async publish(touchpoints: PublishableTouchpoint[]): Promise<void> {
    if (touchpoints.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: touchpoints.map((t) => ({ key: resolveCustomerId(t.customer), value: JSON.stringify(t) })),
    });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
