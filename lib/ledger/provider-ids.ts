// Provider names as instrumentations emit them (`openai.chat`, `anthropic.messages`, `gcp.gemini`,
// `aws.bedrock`, `azure.ai.openai`, `OpenAI`, …) to the provider ids of the price data (@pydantic/genai-prices),
// so one provider is one id on every row and the price book finds its prices.

/** First match wins: Azure before OpenAI, because `azure.ai.openai` names both. */
const RULES: readonly [RegExp, string][] = [
  [/^(az\.|azure)/, 'azure'],
  [/^openai/, 'openai'],
  [/^anthropic/, 'anthropic'],
  [/^(aws[.\-_]?bedrock|amazon[.\-_]?bedrock|bedrock)/, 'aws'],
  [/^(gcp\.(gemini|vertex|gen_ai)|google|vertex|gemini)/, 'google'],
  [/^mistral/, 'mistral'],
  [/^groq/, 'groq'],
  [/^deepseek/, 'deepseek'],
  [/^(xai|x-ai|x_ai)/, 'x-ai'],
  [/^cohere/, 'cohere'],
];

/** The price data's id for an emitted provider name; an unknown name comes back lower-cased as it was. */
export function providerId(emitted: string): string {
  const name = emitted.trim().toLowerCase();
  for (const [pattern, id] of RULES) if (pattern.test(name)) return id;
  return name;
}
