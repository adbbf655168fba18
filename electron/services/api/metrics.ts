/**
 * The API's Prometheus metrics, in a registry of its own (not prom-client's global one): requests
 * by route and status, tokens, request duration and time to first token, the queue's depth.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'status'>;
  readonly tokens: Counter<'kind'>;
  readonly duration: Histogram<'route'>;
  readonly ttft: Histogram<'route'>;
  readonly queue: Gauge<'state'>;

  constructor(depth: () => { active: number; queued: number }) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'tern_api_requests_total', help: 'API requests answered, by route and HTTP status.', labelNames: ['route', 'status'], registers });
    this.tokens = new Counter({ name: 'tern_api_tokens_total', help: 'Tokens of API generations: prompt and completion.', labelNames: ['kind'], registers });
    this.duration = new Histogram({
      name: 'tern_api_request_duration_seconds',
      help: 'Time from receiving an API request to the end of its response.',
      labelNames: ['route'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers,
    });
    this.ttft = new Histogram({
      name: 'tern_api_time_to_first_token_seconds',
      help: 'Time from receiving a generation request to its first token (queue wait and model load included).',
      labelNames: ['route'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.queue = new Gauge({
      name: 'tern_api_queue_depth',
      help: 'API requests generating (active) and waiting (queued).',
      labelNames: ['state'],
      registers,
      collect() {
        const now = depth();
        this.set({ state: 'active' }, now.active);
        this.set({ state: 'queued' }, now.queued);
      },
    });
  }
}
