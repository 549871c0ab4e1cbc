import { isSimulatedProvider } from '@/lib/ai/get-ai-client';
import { InsightsChat } from './insights-chat';

// Rendered per request: whether the provider is simulated is a property of the running server.
export const dynamic = 'force-dynamic';

export default function HomePage() {
  return (
    <main>
      <h1>Spendtrace</h1>
      {isSimulatedProvider() ? (
        <p className="notice" role="status" data-testid="provider-notice">
          The AI provider is <strong>simulated</strong>: no <code>OPENAI_API_KEY</code> is set, so calls go to a local
          OpenAI-compatible server and cost nothing. Token counts and costs are computed as if they were real.
        </p>
      ) : (
        <p data-testid="provider-notice">AI calls go to OpenAI.</p>
      )}
      <p>
        <a href="/dashboard">Spend dashboard</a> — where the money went (sign in with <code>DASHBOARD_TOKEN</code>).
      </p>
      <h2>Insights chat</h2>
      <InsightsChat />
    </main>
  );
}
