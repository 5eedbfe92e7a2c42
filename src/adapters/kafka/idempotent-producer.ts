import { Partitioners, type Kafka, type Producer } from 'kafkajs';

/**
 * A producer that places keys like Java's default partitioner (murmur2), never creates topics, and
 * writes each partition in order exactly once per send (idempotent, one request in flight).
 */
export async function connectIdempotentProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return producer;
}
