// Collects what the code under test reports through OpenTelemetry's diag, for a test to assert on exactly.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { onTestFinished } from 'vitest';

/** One diag call: its level, its message and the arguments after the message (an error, most often). */
export interface DiagMessage {
  level: 'error' | 'warn' | 'info' | 'debug' | 'verbose';
  message: string;
  args: unknown[];
}

/**
 * Routes diag at `level` and above (default: everything) into the returned list, until the current test ends.
 * Call it inside a test.
 */
export function captureDiag(level: DiagLogLevel = DiagLogLevel.ALL): DiagMessage[] {
  const messages: DiagMessage[] = [];
  const at =
    (messageLevel: DiagMessage['level']) =>
    (message: string, ...args: unknown[]): void => {
      messages.push({ level: messageLevel, message, args });
    };
  diag.setLogger(
    { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), verbose: at('verbose') },
    { logLevel: level, suppressOverrideMessage: true },
  );
  onTestFinished(() => {
    diag.disable();
  });
  return messages;
}
