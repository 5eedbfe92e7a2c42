import { Admin } from '@platformatic/kafka';
import { clientOptions } from './kafka-client-options.js';
import type { KafkaConnectionOptions } from './kafka-connection.js';

/** An admin client created on first use (it connects per request); closed only if it was created. */
export function lazyAdmin(options: KafkaConnectionOptions) {
  let admin: Admin | undefined;
  return {
    get(): Admin {
      admin ??= new Admin(clientOptions(options));
      return admin;
    },
    async close(): Promise<void> {
      await admin?.close().catch(() => undefined);
    },
  };
}
