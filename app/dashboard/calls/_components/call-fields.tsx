// Every column of one call, as a definition list: what it was, where it came from, what it used and cost.
import type { ReactNode } from 'react';
import { featureName, isFeatureId } from '@/lib/ai/prompt-registry';
import type { CallDetail } from '@/lib/dashboard/call-log';
import { formatCount, formatMs } from '@/lib/dashboard/format';
import { CallCost } from './call-cost';

const count = (n: number | null) => (n === null ? '—' : formatCount(n));
const text = (value: string | null) => value ?? '—';

function feature(id: string | null): string {
  if (id === null) return '—';
  return isFeatureId(id) && featureName(id) !== id ? `${featureName(id)} (${id})` : id;
}

export function CallFields({ call }: { call: CallDetail }) {
  const fields: [string, string, ReactNode][] = [
    ['id', 'Id', call.id],
    ['started-at', 'Started (UTC)', call.startedAt],
    ['duration', 'Duration', formatMs(call.durationMs)],
    ['status', 'Status', call.status],
    ['source', 'Source', call.source ?? '(unattributed)'],
    ['source-kind', 'Source kind', call.sourceKind],
    ['feature', 'Feature', feature(call.feature)],
    ['operation', 'Operation', call.operation],
    ['provider', 'Provider', call.provider],
    ['request-model', 'Requested model', text(call.requestModel)],
    ['response-model', 'Response model', text(call.responseModel)],
    ['input-tokens', 'Input tokens', count(call.inputTokens)],
    ['cached-input-tokens', 'Cached input tokens', count(call.cachedInputTokens)],
    ['output-tokens', 'Output tokens', count(call.outputTokens)],
    ['reasoning-tokens', 'Reasoning tokens', count(call.reasoningTokens)],
    ['total-tokens', 'Total tokens', count(call.totalTokens)],
    ['cost', 'Cost', <CallCost key="cost" costUsd={call.costUsd} costStatus={call.costStatus} />],
    ['cost-status', 'Cost status', call.costStatus],
    ['price-ref', 'Price reference', text(call.priceRef)],
    ['streamed', 'Streamed', call.streamed ? 'yes' : 'no'],
    ['trace-id', 'Trace id', call.traceId],
    ['span-id', 'Span id', call.spanId],
    ['parent-span-id', 'Parent span id', text(call.parentSpanId)],
    ['service', 'Service', text(call.serviceName)],
    ['recorded-at', 'Recorded (UTC)', call.createdAt],
  ];
  return (
    <dl className="call-fields" data-testid="call-fields">
      {fields.map(([id, label, value]) => (
        <div key={id} data-testid={`field-${id}`}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
