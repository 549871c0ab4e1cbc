// The source a trace's root gives its AI spans that come from services not running our processors: each
// root SERVER span's ai.source or route. The sink records it in the database (lib/db/trace-roots.ts).
import { ATTR_AI_SOURCE, ATTR_HTTP_ROUTE, ATTR_NEXT_ROUTE } from '../lib/ledger/attributes';
import { keyTextAttribute } from '../lib/ledger/attribute-readers';
import { normalizeSource } from '../lib/ledger/source-rules';
import { SPAN_KIND_SERVER, type OtlpSpan } from './otlp/otlp-span';

/** The source a root SERVER span gives its trace: its own ai.source, else its route template. */
export function rootSourceOf(span: OtlpSpan): string | undefined {
  if (span.kind !== SPAN_KIND_SERVER || span.record.parentSpanId !== undefined) return undefined;
  const { attributes } = span.record;
  const source =
    keyTextAttribute(attributes, ATTR_AI_SOURCE) ??
    keyTextAttribute(attributes, ATTR_HTTP_ROUTE) ??
    keyTextAttribute(attributes, ATTR_NEXT_ROUTE);
  // As the row will hold it: the late correction of a trace's rows writes this source directly.
  return source === undefined ? undefined : normalizeSource(source);
}
