// What the budgets page shows before there is a budget: what one is and what it does.
export function BudgetsEmptyState() {
  return (
    <section className="panel empty-state" data-testid="budgets-empty">
      <h2>No budgets yet</h2>
      <p>
        A budget is a spend limit on some of your AI calls over a UTC day, an ISO week (from Monday) or a month: every
        call, or those of one kind (routes, server actions, jobs), one source such as <code>/api/webhooks/email</code>,
        one feature, one model (<code>gpt-4o</code> counts its dated snapshots too) or one developer attribute such as{' '}
        <code>tenant=acme</code>.
      </p>
      <p>
        The page then shows what each budget has spent so far, its forecast to the end of the period and its burn. An
        alert is posted to the webhook when the spend reaches each threshold you choose (50%, 80% and 100% of the limit
        by default), and an enforced budget refuses calls in its scope once its limit is spent, until the period ends.
      </p>
      <p>Create the first one with the form below.</p>
    </section>
  );
}
