// The servers `npm run bench:overhead` calls, in a process of their own so their CPU is not counted in the
// measured processes: the local OpenAI-compatible provider, and an OTLP/HTTP receiver that accepts and discards.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalProvider } from '../lib/ai/local-provider';
import { PROVIDER_LATENCIES_MS } from './call-overhead-protocol';

export interface ServersReady {
  type: 'ready';
  /** The provider's base URL for the openai SDK, per latency it adds to each answer (ms; the first is 0). */
  providerUrls: Record<string, string>;
  /** Where the contrib configuration's OTLP exporter sends spans. */
  otlpUrl: string;
}

async function main(): Promise<void> {
  const providers = await Promise.all(
    [0, ...PROVIDER_LATENCIES_MS].map((latencyMs) => startLocalProvider({ latencyMs })),
  );
  const otlp = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // An empty ExportTraceServiceResponse: every span accepted.
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => otlp.listen(0, '127.0.0.1', resolve));
  const { port } = otlp.address() as AddressInfo;
  const stop = (): void => {
    otlp.closeAllConnections();
    otlp.close();
    void Promise.all(providers.map((p) => p.close())).finally(() => process.exit(0));
  };
  process.once('disconnect', stop);
  process.once('SIGTERM', stop);
  const ready: ServersReady = {
    type: 'ready',
    providerUrls: Object.fromEntries(
      [0, ...PROVIDER_LATENCIES_MS].map((ms, i) => [String(ms), providers[i]?.url ?? '']),
    ),
    otlpUrl: `http://127.0.0.1:${port}/v1/traces`,
  };
  process.send?.(ready);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
