// `npm start`: the built app behind Spendtrace's own HTTP server, which drains requests and flushes the
// rows on SIGTERM/SIGINT (lib/server/start-app-server.ts). Run `npm run build` first.
import { startAppServer } from './lib/server/start-app-server';

startAppServer(__dirname).catch((error: unknown) => {
  process.stderr.write(`spendtrace: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
