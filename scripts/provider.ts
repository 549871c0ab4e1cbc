// Runs the local OpenAI-compatible provider until interrupted, for `npm run dev` without OPENAI_API_KEY.
// Usage: `npx tsx scripts/provider.ts` (PORT sets the port, default 4010).
import { startLocalProvider } from '../lib/ai/local-provider';

const DEFAULT_PORT = 4010;

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PORT must be an integer from 1 to 65535, got '${value}'. Unset it to use ${DEFAULT_PORT}.`);
  }
  return port;
}

async function main(): Promise<void> {
  const provider = await startLocalProvider({ port: parsePort(process.env.PORT) });
  process.stdout.write(`Local OpenAI provider listening on ${provider.url}\n`);

  const stop = (): void => {
    provider.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Could not close the provider: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
