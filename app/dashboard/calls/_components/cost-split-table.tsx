// A call's cost by token class, each with the rate it was billed at; or why there is no split. The amounts are
// exact (parts of a cent would all round to the same figure), so that the parts visibly add up to the total.
import type { CostPart, CostSplit } from '@/lib/dashboard/call-log-cost-split';
import { formatCount, formatUsdExact } from '@/lib/dashboard/format';

function PartRow({ id, label, part }: { id: string; label: string; part: CostPart }) {
  return (
    <tr data-testid={`split-${id}`}>
      <th scope="row">{label}</th>
      <td className="num">{formatCount(part.tokens)}</td>
      <td className="num">{part.usdPerMillion === null ? '—' : formatUsdExact(part.usdPerMillion)}</td>
      <td className="num money">{formatUsdExact(part.costUsd)}</td>
    </tr>
  );
}

export function CostSplitTable({ split }: { split: CostSplit }) {
  if (split.totalUsd === null || split.reason !== null) {
    return (
      <p className="muted" data-testid="cost-split-none">
        {split.reason ?? 'No split.'}
      </p>
    );
  }
  const parts: [string, string, CostPart | null][] = [
    ['uncached-input', 'Uncached input', split.uncachedInput],
    ['cached-input', 'Cached input', split.cachedInput],
    ['output', 'Output', split.output],
    ['reasoning', 'Reasoning', split.reasoning],
  ];
  return (
    <div className="table-scroll">
      <table className="data" data-testid="cost-split">
        <thead>
          <tr>
            <th scope="col">Tokens</th>
            <th scope="col" className="num">
              Count
            </th>
            <th scope="col" className="num">
              Rate per million
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {parts.map(([id, label, part]) => part !== null && <PartRow key={id} id={id} label={label} part={part} />)}
          {split.perCallUsd !== null && (
            <tr data-testid="split-per-call">
              <th scope="row">Per call</th>
              <td />
              <td />
              <td className="num money">{formatUsdExact(split.perCallUsd)}</td>
            </tr>
          )}
        </tbody>
        <tfoot>
          <tr data-testid="split-total">
            <th scope="row">Total</th>
            <td />
            <td />
            <td className="num money">{formatUsdExact(split.totalUsd)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
