// Records, from the real npm packages, the spans each GenAI instrumentation ("emitter") produces for the same
// model calls (two chats, and embeddings where the provider has them), into lib/ledger/dialects/fixtures/<emitter>.json. Each emitter patches modules globally,
// so each runs in a process of its own (emit-<emitter>.ts) against a fresh local provider; this script reads
// what the provider was asked and answered, checks the spans, and writes the fixture.
// Usage: `npm run fixtures:dialects` (all emitters) or `npx tsx scripts/dialect-fixtures/record.ts openlit ...`.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';

import {
  simulatedMessagesUsage,
  simulatedReply,
  simulatedTextTokens,
  simulatedUsage,
  startLocalProvider,
  type LocalProviderRequest,
} from '../../lib/ai/local-provider';
import { bedrockPrompt, bedrockRoute, ConverseRequest } from '../../lib/ai/local-provider/bedrock-wire';
import { ChatRequest, chatPrompt, streamSendsUsage } from '../../lib/ai/local-provider/chat-wire';
import { EmbeddingsRequest } from '../../lib/ai/local-provider/embeddings-wire';
import { GenerateContentRequest, geminiPrompt, geminiRoute } from '../../lib/ai/local-provider/gemini-wire';
import { MessagesRequest, messagesPrompt } from '../../lib/ai/local-provider/messages-wire';
import {
  ANTHROPIC_MODEL,
  CHAT_MODEL,
  EMBEDDING_INPUTS,
  EMBEDDING_MODEL,
  EMITTERS,
  LONG_USER_PROMPT,
  PROVIDER_MODELS,
  ROOT_SPAN_NAME,
  serviceNameFor,
  type Emitter,
  type EmitterOutput,
  type FixtureSpan,
} from './common';

const ROOT = join(__dirname, '..', '..');
const FIXTURES_DIR = join(ROOT, 'lib', 'ledger', 'dialects', 'fixtures');
const EMITTER_TIMEOUT_MS = 120_000;
/** The root span's kind: SpanKind.SERVER. */
const SERVER = 1;

/** In OpenAI's terms: promptTokens is the whole prompt, cache reads (cachedTokens) and writes included. */
interface CallUsage {
  promptTokens: number;
  cachedTokens: number;
  /**
   * Anthropic and Bedrock calls only: the cache writes. Such a call's wire `input_tokens` (Bedrock's
   * `inputTokens`) is promptTokens - cachedTokens - cacheWriteTokens.
   */
  cacheWriteTokens?: number;
  completionTokens: number;
  reasoningTokens: number;
}

interface FixtureCall {
  operation: 'chat' | 'embeddings';
  model: string;
  streamed: boolean;
  /** What the provider sent back; null for a stream that did not ask for usage (the provider sends none). */
  /** Also null for an answer that carries no usage at all (Gemini's embeddings). */
  usage: CallUsage | null;
}

interface Fixture {
  emitter: Emitter;
  packages: Record<string, string>;
  calls: FixtureCall[];
  spans: FixtureSpan[];
}

/** The call a logged request was, with the usage the provider answered it with (the provider's own rule). */
function callOf(request: LocalProviderRequest): FixtureCall {
  const gemini = geminiRoute(request.path);
  if (gemini) return geminiCallOf(gemini, request);
  const bedrock = bedrockRoute(request.path);
  if (bedrock) return bedrockCallOf(bedrock, request);
  // Azure's v1 routes are OpenAI's under /openai.
  const route = `${request.method} ${request.path.replace(/^\/openai\/v1\//, '/v1/')}`;
  if (route === 'POST /v1/chat/completions') {
    const chat = ChatRequest.parse(request.body);
    const prompt = chatPrompt(chat);
    const usage = simulatedUsage({
      model: chat.model,
      prompt: prompt.texts,
      reply: simulatedReply(prompt.lastUserText),
    });
    const streamed = chat.stream === true;
    const usageSent = !streamed || streamSendsUsage(chat);
    return {
      operation: 'chat',
      model: chat.model,
      streamed,
      usage: usageSent
        ? {
            promptTokens: usage.promptTokens,
            cachedTokens: usage.cachedTokens,
            completionTokens: usage.completionTokens,
            reasoningTokens: usage.reasoningTokens,
          }
        : null,
    };
  }
  if (route === 'POST /v1/embeddings') {
    const embeddings = EmbeddingsRequest.parse(request.body);
    const inputs = typeof embeddings.input === 'string' ? [embeddings.input] : embeddings.input;
    if (!inputs.every((input) => typeof input === 'string')) throw new Error('embeddings input is not text');
    const promptTokens = inputs.reduce((sum, input) => sum + simulatedTextTokens(input), 0);
    return {
      operation: 'embeddings',
      model: embeddings.model,
      streamed: false,
      usage: { promptTokens, cachedTokens: 0, completionTokens: 0, reasoningTokens: 0 },
    };
  }
  if (route === 'POST /v1/messages') {
    const messages = MessagesRequest.parse(request.body);
    const prompt = messagesPrompt(messages);
    const usage = simulatedMessagesUsage({
      model: messages.model,
      prompt: prompt.texts,
      cachedPrefix: prompt.cachedPrefix,
      reply: simulatedReply(prompt.lastUserText),
    });
    return {
      operation: 'chat',
      model: messages.model,
      streamed: messages.stream === true,
      usage: {
        promptTokens: usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens,
        cachedTokens: usage.cacheReadInputTokens,
        cacheWriteTokens: usage.cacheCreationInputTokens,
        completionTokens: usage.outputTokens,
        reasoningTokens: 0,
      },
    };
  }
  throw new Error(`unexpected request ${route}`);
}

/** A Gemini API call: the usage simulatedUsage gives its prompt; embeddings carry none on this wire. */
function geminiCallOf(route: { model: string; method: string }, request: LocalProviderRequest): FixtureCall {
  if (route.method === 'embedContent' || route.method === 'batchEmbedContents') {
    return { operation: 'embeddings', model: route.model, streamed: false, usage: null };
  }
  const prompt = geminiPrompt(GenerateContentRequest.parse(request.body));
  const usage = simulatedUsage({
    model: route.model,
    prompt: prompt.texts,
    reply: simulatedReply(prompt.lastUserText),
  });
  return {
    operation: 'chat',
    model: route.model,
    streamed: route.method === 'streamGenerateContent',
    usage: {
      promptTokens: usage.promptTokens,
      cachedTokens: usage.cachedTokens,
      completionTokens: usage.completionTokens,
      reasoningTokens: usage.reasoningTokens,
    },
  };
}

/** A Bedrock Converse call: the usage simulatedMessagesUsage gives its prompt, as for Anthropic's Messages. */
function bedrockCallOf(route: { model: string; method: string }, request: LocalProviderRequest): FixtureCall {
  const prompt = bedrockPrompt(ConverseRequest.parse(request.body));
  const usage = simulatedMessagesUsage({
    model: route.model,
    prompt: prompt.texts,
    cachedPrefix: prompt.cachedPrefix,
    reply: simulatedReply(prompt.lastUserText),
  });
  return {
    operation: 'chat',
    model: route.model,
    streamed: route.method === 'converse-stream',
    usage: {
      promptTokens: usage.inputTokens + usage.cacheReadInputTokens + usage.cacheCreationInputTokens,
      cachedTokens: usage.cacheReadInputTokens,
      cacheWriteTokens: usage.cacheCreationInputTokens,
      completionTokens: usage.outputTokens,
      reasoningTokens: 0,
    },
  };
}

/**
 * The calls each emit script makes, in order: the three OpenAI calls, the Anthropic emitter's two chats, or the
 * two chats and (where the package has embeddings) the embeddings call of a PROVIDER_MODELS emitter.
 */
function expectedCalls(emitter: Emitter): string[] {
  if (emitter === 'ai-sdk-6-anthropic') return [`chat/${ANTHROPIC_MODEL}/plain`, `chat/${ANTHROPIC_MODEL}/streamed`];
  const models = emitter in PROVIDER_MODELS ? PROVIDER_MODELS[emitter as keyof typeof PROVIDER_MODELS] : undefined;
  if (models === undefined) {
    return [`chat/${CHAT_MODEL}/plain`, `chat/${CHAT_MODEL}/streamed`, `embeddings/${EMBEDDING_MODEL}/plain`];
  }
  const chats = [`chat/${models.chat}/plain`, `chat/${models.chat}/streamed`];
  return models.embedding === null ? chats : [...chats, `embeddings/${models.embedding}/plain`];
}

/**
 * The provider saw exactly the emitter's calls, in order, the long prompt earned cached tokens (and, for the
 * Anthropic emitter, the system prompt marked for caching was written to the cache), and an embeddings call
 * sent the two inputs.
 */
function checkCalls(emitter: Emitter, calls: FixtureCall[]): void {
  const shape = calls.map((c) => `${c.operation}/${c.model}/${c.streamed ? 'streamed' : 'plain'}`);
  const expected = expectedCalls(emitter);
  if (shape.join() !== expected.join()) {
    throw new Error(`${emitter}: the provider saw [${shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
  if (!calls[0]?.usage?.cachedTokens) throw new Error(`${emitter}: the long prompt got no cached tokens`);
  if (calls[0].usage.cacheWriteTokens === 0) throw new Error(`${emitter}: the cached system prompt got no writes`);
  if (calls[1]?.usage === null) process.stderr.write(`${emitter}: the streamed call did not ask for usage\n`);
  if (calls[2]?.operation !== 'embeddings' || calls[2].usage === null) return;
  const embeddingTokens = EMBEDDING_INPUTS.reduce((sum, input) => sum + simulatedTextTokens(input), 0);
  if (calls[2].usage.promptTokens !== embeddingTokens) {
    throw new Error(`${emitter}: the embeddings call did not send the two inputs`);
  }
}

/** Spans by start time; a parent before its child when they start in the same instant. */
function sortSpans(spans: FixtureSpan[]): FixtureSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const depth = (span: FixtureSpan): number => {
    let d = 0;
    for (let p = span.parentSpanId; p !== null && byId.has(p); p = byId.get(p)?.parentSpanId ?? null) d++;
    return d;
  };
  return [...spans].sort((a, b) => a.startTimeMs - b.startTimeMs || depth(a) - depth(b));
}

/** One SERVER root span, the emitter's spans under it, all in its trace, all from `fixture-<emitter>`. */
function checkSpans(emitter: Emitter, spans: FixtureSpan[]): void {
  const fail = (why: string): never => {
    throw new Error(`${emitter}: ${why}`);
  };
  const roots = spans.filter((s) => s.parentSpanId === null);
  const root = roots[0];
  if (roots.length !== 1 || !root) return fail(`expected one root span, got ${roots.length}`);
  if (root.name !== ROOT_SPAN_NAME || root.kind !== SERVER) return fail(`the root span is '${root.name}'`);
  if (spans.length < 2) fail('the emitter recorded no spans');
  const ids = new Set(spans.map((s) => s.spanId));
  for (const span of spans) {
    if (span.traceId !== root.traceId) fail(`span '${span.name}' is in another trace`);
    if (span.parentSpanId !== null && !ids.has(span.parentSpanId)) fail(`span '${span.name}' has no recorded parent`);
    if (span.serviceName !== serviceNameFor(emitter)) fail(`span '${span.name}' has service '${span.serviceName}'`);
  }
}

function runEmitterProcess(emitter: Emitter, providerUrl: string, output: string): Promise<void> {
  // The emitters read OTEL_*, OPENAI_*, ANTHROPIC_*, LANGFUSE_*, OPENLIT_* and TRACELOOP_* settings, the provider
  // packages their own (AZURE_*, GOOGLE_*, ...); a recording must not.
  // (spawn leaves out variables whose value is undefined.)
  const env: NodeJS.ProcessEnv = { ...process.env, FIXTURE_PROVIDER_URL: providerUrl, FIXTURE_OUTPUT: output };
  for (const key of Object.keys(env)) {
    if (/^(OTEL|OPENAI|ANTHROPIC|LANGFUSE|OPENLIT|TRACELOOP|AZURE|GOOGLE|GROQ|DEEPSEEK|XAI|MISTRAL|AWS)_/.test(key))
      env[key] = undefined;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, `emit-${emitter}.ts`)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${emitter}: emit script did not finish in ${EMITTER_TIMEOUT_MS / 1000}s`));
    }, EMITTER_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${emitter}: emit script exited with ${signal ?? code}`));
    });
  });
}

async function record(emitter: Emitter, workDir: string): Promise<Fixture> {
  const provider = await startLocalProvider();
  try {
    const output = join(workDir, `${emitter}.json`);
    await runEmitterProcess(emitter, provider.url, output);
    const emitted = JSON.parse(readFileSync(output, 'utf8')) as EmitterOutput;
    const calls = provider.requests.map(callOf);
    checkCalls(emitter, calls);
    const spans = sortSpans(emitted.spans);
    checkSpans(emitter, spans);
    return { emitter, packages: emitted.packages, calls, spans };
  } finally {
    await provider.close();
  }
}

async function writeFixture(fixture: Fixture): Promise<string> {
  const path = join(FIXTURES_DIR, `${fixture.emitter}.json`);
  // Formatted as `prettier --check` wants it, so a re-recording passes `npm run lint` as it is.
  const options = (await prettier.resolveConfig(path)) ?? {};
  const text = await prettier.format(JSON.stringify(fixture, null, 2), { ...options, filepath: path });
  writeFileSync(path, text);
  return path;
}

function parseEmitters(args: string[]): Emitter[] {
  if (args.length === 0) return [...EMITTERS];
  const unknown = args.filter((arg) => !(EMITTERS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown emitter(s) ${unknown.join(', ')}; known: ${EMITTERS.join(', ')}`);
  return args as Emitter[];
}

async function main(): Promise<void> {
  const emitters = parseEmitters(process.argv.slice(2));
  if (LONG_USER_PROMPT.length < 1200) throw new Error('LONG_USER_PROMPT must be at least 1,200 characters');
  mkdirSync(FIXTURES_DIR, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'dialect-fixtures-'));
  const failed: string[] = [];
  try {
    for (const emitter of emitters) {
      process.stdout.write(`recording ${emitter}...\n`);
      try {
        const fixture = await record(emitter, workDir);
        const path = await writeFixture(fixture);
        process.stdout.write(`  ${fixture.spans.length} spans -> ${path}\n`);
      } catch (error) {
        failed.push(emitter);
        process.stderr.write(`  ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (failed.length > 0) throw new Error(`not recorded: ${failed.join(', ')}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
