import type { Admin, Kafka } from 'kafkajs';
import { sourceError } from './kafka-errors.js';

/** An admin client connected on first use; a failed connect is retried by the next caller. */
export function lazyAdmin(kafka: Kafka, brokers: readonly string[]) {
  const admin = kafka.admin();
  let ready: Promise<void> | undefined;
  return {
    async get(): Promise<Admin> {
      ready ??= admin.connect();
      try {
        await ready;
      } catch (err) {
        ready = undefined;
        throw sourceError(err, 'connecting', brokers);
      }
      return admin;
    },
    async close(): Promise<void> {
      if (ready) await admin.disconnect().catch(() => undefined);
    },
  };
}
