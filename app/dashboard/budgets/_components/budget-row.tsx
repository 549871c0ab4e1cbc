'use client';
// One budget in the table: the figures the server rendered, with its edit form and its delete (asked twice)
// on the client. Deleting calls DELETE /api/dashboard/budgets/<id> and refreshes the page from the server.
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import type { BudgetView } from '@/lib/budgets/budget-store';
import { BudgetForm } from './budget-form';

interface BudgetRowProps {
  budget: BudgetView;
  /** The figures' cells, rendered on the server. */
  cells: ReactNode;
  /** Shown in a row of its own under the figures when there is something: the alerts that were not delivered. */
  notes?: ReactNode;
  columns: number;
}

export function BudgetRow({ budget, cells, notes, columns }: BudgetRowProps) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();

  async function remove() {
    try {
      const response = await fetch(`/api/dashboard/budgets/${budget.id}`, { method: 'DELETE' });
      // 404: someone else deleted it first; either way it is gone.
      if (response.status !== 204 && response.status !== 404) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        setProblem(body.error ?? `The server answered ${response.status}; try again.`);
        return;
      }
      setConfirming(false);
      router.refresh();
    } catch {
      setProblem('The server could not be reached; try again.');
    }
  }

  return (
    <tbody data-testid="budget" data-budget-id={budget.id}>
      <tr data-testid="budget-row">
        {cells}
        <td className="budget-actions">
          {confirming ? (
            <>
              <span>Delete this budget?</span>{' '}
              <button
                type="button"
                className="danger"
                onClick={() => void remove()}
                data-testid="budget-delete-confirm"
              >
                Delete
              </button>{' '}
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                className="secondary"
                aria-expanded={editing}
                onClick={() => setEditing(!editing)}
                data-testid="budget-edit"
              >
                Edit
              </button>{' '}
              <button
                type="button"
                className="secondary"
                onClick={() => setConfirming(true)}
                data-testid="budget-delete"
              >
                Delete
              </button>
            </>
          )}
          {problem !== undefined && (
            <p className="error" role="alert">
              {problem}
            </p>
          )}
        </td>
      </tr>
      {notes !== undefined && (
        <tr className="budget-notes">
          <td colSpan={columns}>{notes}</td>
        </tr>
      )}
      {editing && (
        <tr className="budget-editing">
          <td colSpan={columns}>
            <BudgetForm budget={budget} onDone={() => setEditing(false)} />
          </td>
        </tr>
      )}
    </tbody>
  );
}
