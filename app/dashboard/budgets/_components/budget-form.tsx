'use client';
// Creates a budget (POST /api/dashboard/budgets) or changes one (PATCH /api/dashboard/budgets/<id>), then
// refreshes the page from the server. The API validates; its 400 names each wrong field, shown beside the form.
import { useRouter } from 'next/navigation';
import { useState, type SubmitEvent } from 'react';
import type { BudgetView } from '@/lib/budgets/budget-store';

const LABELS: Record<string, string> = {
  'scope.kind': 'Kind',
  'scope.source': 'Source',
  'scope.feature': 'Feature',
  'scope.model': 'Model',
  'scope.attribute.key': 'Attribute key',
  'scope.attribute.value': 'Attribute value',
  'scope.attribute': 'Attribute',
  period: 'Period',
  limitUsd: 'Limit',
  alertAt: 'Alert at',
  enforce: 'Enforce',
};

interface Issue {
  field: string;
  message: string;
}

/** A share of the limit as the percentage typed into the form: 0.8 is "80". */
function percentOf(fraction: number): string {
  return String(Math.round(fraction * 10_000) / 100);
}

/** "50, 80, 100" as fractions of the limit; a word that is not a number is sent as is, for the API to name. */
function alertAtOf(text: string): unknown[] {
  return text
    .split(/[\s,]+/)
    .filter((word) => word !== '')
    .map((word) => (Number.isFinite(Number(word)) ? Number(word) / 100 : word));
}

function bodyOf(form: FormData): Record<string, unknown> {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const scope: Record<string, unknown> = {};
  for (const key of ['kind', 'source', 'feature', 'model']) if (text(key) !== '') scope[key] = text(key);
  if (text('attributeKey') !== '' || text('attributeValue') !== '') {
    scope.attribute = { key: text('attributeKey'), value: text('attributeValue') };
  }
  return {
    scope,
    period: text('period'),
    limitUsd: text('limitUsd'),
    alertAt: alertAtOf(text('alertAt')),
    enforce: form.get('enforce') === 'on',
  };
}

async function problemsOf(response: Response): Promise<string[]> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; issues?: Issue[] };
  if (body.issues !== undefined && body.issues.length > 0) {
    // `alertAt.1` is the second threshold: named as the field.
    return body.issues.map((i) => `${LABELS[i.field.replace(/\.\d+$/, '')] ?? (i.field || 'Budget')}: ${i.message}`);
  }
  return [body.error ?? `The server answered ${response.status}; try again.`];
}

export function BudgetForm({ budget, onDone }: { budget?: BudgetView; onDone?: () => void }) {
  const router = useRouter();
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const editing = budget !== undefined;
  const scope = budget?.scope ?? {};

  async function submit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    setBusy(true);
    try {
      const response = await fetch(budget ? `/api/dashboard/budgets/${budget.id}` : '/api/dashboard/budgets', {
        method: budget ? 'PATCH' : 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(bodyOf(new FormData(form))),
      });
      if (!response.ok) {
        setProblems(await problemsOf(response));
        return;
      }
      setProblems([]);
      if (!editing) form.reset();
      onDone?.();
      router.refresh();
    } catch {
      setProblems(['The server could not be reached; try again.']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="budget-form"
      onSubmit={(event) => void submit(event)}
      data-testid={editing ? 'budget-edit-form' : 'budget-create-form'}
      aria-label={editing ? 'Change the budget' : 'New budget'}
    >
      <fieldset>
        <legend>Scope: leave a field empty to count every call</legend>
        <label>
          Kind
          <select name="kind" defaultValue={scope.kind ?? ''}>
            <option value="">any</option>
            <option value="route">route</option>
            <option value="action">action</option>
            <option value="job">job</option>
            <option value="unattributed">unattributed</option>
          </select>
        </label>
        <label>
          Source
          <input name="source" defaultValue={scope.source ?? ''} placeholder="/api/webhooks/email" />
        </label>
        <label>
          Feature
          <input name="feature" defaultValue={scope.feature ?? ''} placeholder="email.triage" />
        </label>
        <label>
          Model
          <input name="model" defaultValue={scope.model ?? ''} placeholder="gpt-4o" />
        </label>
        <label>
          Attribute
          <input name="attributeKey" defaultValue={scope.attribute?.key ?? ''} placeholder="tenant" />
        </label>
        <label>
          Value
          <input name="attributeValue" defaultValue={scope.attribute?.value ?? ''} placeholder="acme" />
        </label>
      </fieldset>
      <fieldset>
        <legend>Limit</legend>
        <label>
          Period (UTC)
          <select name="period" defaultValue={budget?.period ?? 'month'}>
            <option value="day">day</option>
            <option value="week">week (from Monday)</option>
            <option value="month">month</option>
          </select>
        </label>
        <label>
          Limit (US$)
          <input name="limitUsd" required inputMode="decimal" defaultValue={budget?.limitUsd ?? ''} placeholder="25" />
        </label>
        <label>
          Alert at (% of the limit)
          <input name="alertAt" defaultValue={(budget?.alertAt ?? [0.5, 0.8, 1]).map(percentOf).join(', ')} />
        </label>
        <label className="checkbox">
          <input type="checkbox" name="enforce" defaultChecked={budget?.enforce ?? false} />
          Enforce: refuse calls in scope once the limit is spent
        </label>
      </fieldset>
      {problems.length > 0 && (
        <ul className="form-problems" role="alert" data-testid="budget-form-problems">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <div className="form-buttons">
        <button type="submit" disabled={busy}>
          {editing ? 'Save' : 'Create budget'}
        </button>
        {editing && (
          <button type="button" className="secondary" onClick={onDone}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
