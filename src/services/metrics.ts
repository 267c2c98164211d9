// Prometheus metrics (prom-client) on a registry of the app's own, so several apps in one process (tests)
// do not collide: submissions by outcome, quotes, the outbox by state with the age of its oldest queued
// message, HTTP latency, and storage (which store is full, writes refused for lack of space, free bytes).
import client from 'prom-client';
import type { OutboxRepo } from '../db/repos/outbox.js';
import { STORES, type StorageCondition } from '../storage-condition.js';

export type SubmissionOutcome =
  'created' | 'replayed' | 'invalid' | 'honeypot' | 'token_refused' | 'key_reused' | 'storage_full';

export function createMetrics(outbox: OutboxRepo, storage: StorageCondition, clock: () => Date) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const submissions = new client.Counter({
    name: 'reprise_submissions_total',
    help: 'Licensing request submissions by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  });
  const quotes = new client.Counter({
    name: 'reprise_quote_requests_total',
    help: 'Quote requests (POST /api/v1/quote) by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'reprise_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const outboxMessages = new client.Gauge({
    name: 'reprise_outbox_messages',
    help: 'Outbox messages by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      for (const [state, count] of Object.entries(outbox.counts())) this.set({ state }, count);
    },
  });
  const oldestQueued = new client.Gauge({
    name: 'reprise_outbox_oldest_queued_seconds',
    help: 'Age of the oldest message still waiting to be sent (0 when none)',
    registers: [registry],
    collect() {
      const oldest = outbox.oldestQueuedAt();
      this.set(oldest ? Math.max(0, (clock().getTime() - Date.parse(oldest)) / 1000) : 0);
    },
  });
  const storageFull = new client.Gauge({
    name: 'reprise_storage_full',
    help:
      'Whether a store (database, mail folder) refuses writes for lack of space: ' +
      '1 until a write succeeds or space is freed',
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      for (const store of STORES) this.set({ store }, storage.full(store) ? 1 : 0);
    },
  });
  const counted = { database: 0, mail: 0 };
  const refused = new client.Counter({
    name: 'reprise_storage_refused_writes_total',
    help: 'Writes refused for lack of space, by store (background retries included)',
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      for (const store of STORES) {
        const total = storage.refusedTotal(store);
        this.inc({ store }, total - counted[store]);
        counted[store] = total;
      }
    },
  });
  const freeBytes = new client.Gauge({
    name: 'reprise_storage_free_bytes',
    help: "Bytes still free on the file system of each store's folder (the mail folder only without SMTP_URL)",
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      for (const store of STORES) {
        const free = storage.freeBytes(store);
        if (free !== undefined) this.set({ store }, free);
      }
    },
  });
  void outboxMessages;
  void oldestQueued;
  void storageFull;
  void refused;
  void freeBytes;

  return {
    registry,
    /** Starts timing an HTTP request; the returned function records it under its route pattern. */
    timeRequest: () => duration.startTimer(),
    submission: (channel: 'form' | 'api', outcome: SubmissionOutcome) => submissions.inc({ channel, outcome }),
    quote: (outcome: 'ok' | 'invalid') => quotes.inc({ outcome }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
