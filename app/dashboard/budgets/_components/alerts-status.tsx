// Whether budget alerts go anywhere. The webhook's URL is a secret (it carries its own token): never shown.
export function AlertsStatus({ on }: { on: boolean }) {
  return on ? (
    <p className="alerts-status alerts-on" data-testid="alerts-status">
      Alerts are on: thresholds reached are posted to the webhook set in <code>SPENDTRACE_ALERT_WEBHOOK_URL</code>.
    </p>
  ) : (
    <p className="alerts-status alerts-off" role="note" data-testid="alerts-status">
      Alerts are off: set <code>SPENDTRACE_ALERT_WEBHOOK_URL</code> to a Slack or Discord incoming webhook to be told
      when a budget reaches a threshold.
    </p>
  );
}
