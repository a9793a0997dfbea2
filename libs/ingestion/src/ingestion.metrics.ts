import type { Touchpoint } from '@c360/domain';
import { Injectable } from '@nestjs/common';
import { Counter, register } from 'prom-client';
import type { FieldError } from './parse-touchpoint.js';
import { isRefused, type RecordedTouchpoint } from './record-touchpoints.command.js';

function counter(name: string, help: string, labelNames: string[]): Counter {
  return (register.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, labelNames });
}

/** Every touchpoint in is counted: stored, duplicate or rejected, so no rejection is a log line alone. */
@Injectable()
export class IngestionMetrics {
  private readonly touchpoints = counter(
    'c360_touchpoints_total',
    'Touchpoints received, by source, channel and outcome',
    ['source', 'channel', 'outcome'],
  );
  private readonly rejections = counter(
    'c360_touchpoints_rejected_total',
    'Rejected touchpoints, by source and first field at fault',
    ['source', 'field'],
  );

  recorded(source: string, touchpoints: Touchpoint[], results: RecordedTouchpoint[]): void {
    results.forEach((r, i) =>
      this.touchpoints.inc({
        source,
        channel: touchpoints[i]!.channel,
        outcome: isRefused(r) ? 'rejected' : r.duplicate ? 'duplicate' : 'stored',
      }),
    );
  }

  rejected(source: string, errors: FieldError[]): void {
    this.touchpoints.inc({ source, channel: 'unknown', outcome: 'rejected' });
    this.rejections.inc({ source, field: (errors[0]?.field ?? '').split('.').slice(0, 2).join('.') || 'body' });
  }
}
