import type { IHeaders, KafkaMessage, Message } from 'kafkajs';

export enum DeadLetterReason {
  EMPTY_MESSAGE = 'EMPTY_MESSAGE',
  MALFORMED_JSON = 'MALFORMED_JSON',
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  CUSTOMER_FORGOTTEN = 'CUSTOMER_FORGOTTEN',
}

export interface DeadLetter {
  message: KafkaMessage;
  reason: DeadLetterReason;
  /** A sentence for people: what is wrong with the message. */
  detail: string;
  errors?: { field: string; reason: string }[];
}

/** Headers of a dead-letter record; its key and value are the original message's, byte for byte. */
export const DLQ_HEADERS = {
  reason: 'c360-dlq-reason',
  detail: 'c360-dlq-detail',
  errors: 'c360-dlq-errors',
  topic: 'c360-dlq-source-topic',
  partition: 'c360-dlq-source-partition',
  offset: 'c360-dlq-source-offset',
  failedAt: 'c360-dlq-failed-at',
} as const;

/** Headers stay small whatever the message held: the record must fit where the original did. */
const MAX_HEADER = 2000;
function bounded(text: string): string {
  return text.length > MAX_HEADER ? `${text.slice(0, MAX_HEADER - 1)}…` : text;
}

export function toDeadLetterRecord(letter: DeadLetter, topic: string, partition: number): Message {
  const headers: IHeaders = {
    ...letter.message.headers,
    [DLQ_HEADERS.reason]: letter.reason,
    [DLQ_HEADERS.detail]: bounded(letter.detail),
    [DLQ_HEADERS.topic]: topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: letter.message.offset,
    [DLQ_HEADERS.failedAt]: new Date().toISOString(),
  };
  if (letter.errors) {
    const errors = letter.errors
      .slice(0, 20)
      .map((e) => ({ field: e.field.slice(0, 200), reason: e.reason.slice(0, 300) }));
    headers[DLQ_HEADERS.errors] = JSON.stringify(errors);
  }
  return { key: letter.message.key, value: letter.message.value, headers };
}
