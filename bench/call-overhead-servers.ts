// The servers `npm run bench:overhead` calls, in a process of their own so their CPU is not counted in the
// measured processes: the local OpenAI-compatible provider, and an OTLP/HTTP receiver that accepts and discards.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startLocalProvider } from '../lib/ai/local-provider';

export interface ServersReady {
  type: 'ready';
  /** The provider's base URL for the openai SDK. */
  providerUrl: string;
  /** Where the contrib configuration's OTLP exporter sends spans. */
  otlpUrl: string;
}

async function main(): Promise<void> {
  const provider = await startLocalProvider();
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
    void provider.close().finally(() => process.exit(0));
  };
  process.once('disconnect', stop);
  process.once('SIGTERM', stop);
  const ready: ServersReady = {
    type: 'ready',
    providerUrl: provider.url,
    otlpUrl: `http://127.0.0.1:${port}/v1/traces`,
  };
  process.send?.(ready);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
