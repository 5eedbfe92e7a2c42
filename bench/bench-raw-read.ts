// npm run bench:raw-read -- [--events 400000] [--products 40000] [--partitions 6] [--runs 3] [--compare <event-source module>]
// The raw read ceiling: read and JSON-parse a whole topic from explicit offsets (all partitions, up to
// the end offsets) with the project's Kafka source, doing nothing else. Each run is a fresh process
// (wall and peak RSS per run). `--compare` names another checkout's kafka-event-source.ts (e.g. the
// kafkajs one) to measure it on the same topic. Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventSource } from '../src/core/ports/event-source.js';
import { createKafkaPublisher } from '../src/adapters/kafka/kafka-publisher.js';
import { generateProductEvents } from '../src/core/read-models/product-search/fixture-generator.js';
import { ROOT, arg, fmt, sampleProcess } from './bench-support.js';

const BROKERS = process.env.READMODEL_KAFKA_BROKERS ?? '127.0.0.1:19092';
const OWN_SOURCE = path.join(ROOT, 'src/adapters/kafka/kafka-event-source.ts');

/** Child mode: one timed read of the whole topic, printed as JSON. */
async function child(module: string, topic: string): Promise<void> {
  process.removeAllListeners('warning');
  const { createKafkaEventSource } = (await import(pathToFileURL(module).href)) as {
    createKafkaEventSource: (o: { brokers: string[]; clientId?: string }) => EventSource;
  };
  const source = createKafkaEventSource({ brokers: [BROKERS], clientId: 'readmodel-bench' });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const marks = await source.watermarks(topic);
  let events = 0;
  let bytes = 0;
  const ranges = marks.map((m) => ({ partition: m.partition, start: m.low, end: m.high }));
  for await (const batch of source.readRanges({ topic, ranges })) {
    for (const r of batch) {
      if (r.value) {
        bytes += r.value.length;
        JSON.parse(r.value.toString('utf8'));
      }
      events++;
    }
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await source.close();
  // CPU time as well: on a shared machine it varies far less than the wall time.
  process.stdout.write(`${JSON.stringify({ events, bytes, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
}

function runChild(module: string, topic: string) {
  return new Promise<{ events: number; wallMs: number; cpuMs: number; peakRssMb: number }>((resolve, reject) => {
    // tsx as a loader (not its CLI, which would run the script in a grandchild): the RSS is the reader's own.
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench/bench-raw-read.ts'), '--child', module, '--topic', topic],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    const sampling = sampleProcess(p.pid!);
    p.on('close', (code) => {
      const { peakRssMb } = sampling.stop();
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`raw read child exited ${code}: ${out}`));
      resolve({ ...(JSON.parse(line) as { events: number; wallMs: number; cpuMs: number }), peakRssMb });
    });
  });
}

/** Publishes the stream once per (events, products, partitions); later runs reuse the topic. */
async function ensureTopic(events: number, products: number, partitions: number): Promise<string> {
  const topic = `bench-raw-read-${events}-${products}-${partitions}`;
  const publisher = createKafkaPublisher({ brokers: [BROKERS], clientId: 'readmodel-bench' });
  try {
    const have = await publisher.count(topic);
    if (have && have >= events) return topic;
    await publisher.ensureTopic(topic, partitions);
    let batch: Array<{ key: string; value: string }> = [];
    let n = 0;
    for (const g of generateProductEvents({ products, seed: 2026, activeWindow: 256, catalogue: 'long-lived', updates: events })) {
      if (n++ >= events) break;
      batch.push({ key: g.envelope.aggregateId, value: JSON.stringify(g.envelope) });
      if (batch.length === 5000) {
        await publisher.publish(topic, batch);
        batch = [];
      }
    }
    if (batch.length) await publisher.publish(topic, batch);
    return topic;
  } finally {
    await publisher.close();
  }
}

async function main() {
  if (process.argv.includes('--child')) return child(arg('child', OWN_SOURCE), arg('topic', ''));
  const runs = Number(arg('runs', '3'));
  const topic = await ensureTopic(Number(arg('events', '400000')), Number(arg('products', '40000')), Number(arg('partitions', '6')));
  const compare = arg('compare', '');
  const clients: Array<[string, string]> = [
    ['readmodel source', OWN_SOURCE],
    ...(compare ? [['compared source', path.resolve(compare)] as [string, string]] : []),
  ];
  process.stdout.write(`raw read (read + JSON.parse, explicit offsets, all partitions) of ${topic}\n`);
  process.stdout.write('| client | run | events | wall s | events/s | CPU s | peak RSS MB |\n|---|---|---|---|---|---|---|\n');
  // Interleaved, so a busy moment on the shared machine does not land on one client only.
  for (let run = 1; run <= runs; run++) {
    for (const [name, module] of clients) {
      const r = await runChild(module, topic);
      process.stdout.write(
        `| ${name} | ${run} | ${fmt(r.events)} | ${fmt(r.wallMs / 1000, 2)} | ${fmt(r.events / (r.wallMs / 1000))} | ${fmt(r.cpuMs / 1000, 2)} | ${r.peakRssMb} |\n`,
      );
    }
  }
}

await main();
