/**
 * Ingest metrics in Prometheus text format. Counters only grow; `rejected` is split by reason so that a payload
 * never disappears without a trace: every drop is counted with why.
 */
export class IngestMetrics {
  readingsIn = 0;
  readingsWritten = 0;
  readingsDuplicate = 0;
  eventsWritten = 0;
  messagesIn = 0;
  batches = 0;
  batchRetries = 0;
  readonly rejected = new Map<string, number>();
  queueDepth = 0;
  lastCommitAt = 0;
  /** Newest measurement time committed, to show how far behind the stream the store is. */
  lastReadingTs = 0;
  private readonly latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  private readonly latencyCounts = new Array(this.latencyBuckets.length + 1).fill(0);
  private latencySum = 0;

  reject(reason: string, n = 1): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + n);
  }

  rejectedTotal(): number {
    let n = 0;
    for (const v of this.rejected.values()) n += v;
    return n;
  }

  observeBatch(seconds: number): void {
    this.batches++;
    this.latencySum += seconds;
    let i = this.latencyBuckets.findIndex((b) => seconds <= b);
    if (i < 0) i = this.latencyBuckets.length;
    this.latencyCounts[i]++;
  }

  toPrometheus(extra: Record<string, number> = {}): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, value: number) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    const gauge = (name: string, help: string, value: number) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    counter('abone_ingest_messages_total', 'Messages received by collectors', this.messagesIn);
    counter('abone_ingest_readings_in_total', 'Readings and events received, before validation', this.readingsIn);
    counter('abone_ingest_readings_written_total', 'Readings newly stored', this.readingsWritten);
    counter('abone_ingest_readings_duplicate_total', 'Readings already stored (redelivery), skipped', this.readingsDuplicate);
    counter('abone_ingest_events_written_total', 'Meter events stored', this.eventsWritten);
    lines.push('# HELP abone_ingest_rejected_total Payloads or readings rejected, by reason', '# TYPE abone_ingest_rejected_total counter');
    for (const [reason, n] of [...this.rejected].sort()) lines.push(`abone_ingest_rejected_total{reason="${reason}"} ${n}`);
    counter('abone_ingest_batch_retries_total', 'Write batches retried after a transient failure', this.batchRetries);
    gauge('abone_ingest_queue_depth', 'Readings buffered or being written', this.queueDepth);
    lines.push('# HELP abone_ingest_batch_seconds Time from a batch starting to its commit', '# TYPE abone_ingest_batch_seconds histogram');
    let cumulative = 0;
    this.latencyBuckets.forEach((b, i) => {
      cumulative += this.latencyCounts[i];
      lines.push(`abone_ingest_batch_seconds_bucket{le="${b}"} ${cumulative}`);
    });
    cumulative += this.latencyCounts[this.latencyBuckets.length];
    lines.push(`abone_ingest_batch_seconds_bucket{le="+Inf"} ${cumulative}`, `abone_ingest_batch_seconds_sum ${this.latencySum}`, `abone_ingest_batch_seconds_count ${this.batches}`);
    for (const [name, value] of Object.entries(extra)) gauge(name, name.replace(/_/g, ' '), value);
    return lines.join('\n') + '\n';
  }
}
