import { Kafka, logLevel, type LogEntry } from 'kafkajs';

type Log = (level: 'error' | 'warn' | 'info' | 'debug', msg: string, extra: object) => void;

/** A kafkajs client whose own logs go through ours, at WARN and above by default. */
export function createKafka(brokers: string, clientId: string, log?: Log): Kafka {
  return new Kafka({
    clientId,
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 300, retries: 10 },
    logCreator: () => (entry: LogEntry) => {
      if (!log) return;
      const { message, ...extra } = entry.log;
      const level = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'debug';
      log(level, `kafkajs ${entry.namespace}: ${message}`, {
        broker: extra.broker,
        groupId: extra.groupId,
        error: extra.error,
      });
    },
  });
}
