// The app's AI features: every OpenAI call names one of these ids, and the dashboard shows its name.
// Add a feature here before using it; an id not listed here is refused at the call site.

export interface FeatureDefinition {
  /** The name shown on the dashboard. */
  name: string;
  description: string;
}

export const PROMPT_REGISTRY = {
  'email.sentiment': {
    name: 'Inbound email sentiment',
    description: 'Scores the sentiment of an inbound email.',
  },
  'email.auto_send': {
    name: 'Auto-send evaluator',
    description: 'Decides whether a prepared reply may be sent without review.',
  },
  'followups.draft': {
    name: 'Follow-up drafts',
    description: 'Drafts a follow-up for a lead that went quiet.',
  },
  'drafts.reply': {
    name: 'Reply drafts',
    description: 'Drafts a reply to a lead from the conversation so far.',
  },
  'knowledge.embed': {
    name: 'Knowledge embeddings',
    description: "Embeds an ingested document's chunks for search.",
  },
  'knowledge.summarize': {
    name: 'Knowledge summaries',
    description: 'Counts a document’s tokens, trims it to the budget if needed, and summarises it.',
  },
  'digest.weekly': {
    name: 'Weekly spend digest',
    description: "Sums up last week's AI spend for the team.",
  },
  'lead.classify': {
    name: 'Lead classification',
    description: 'Classifies a lead as hot, warm or cold, with the Vercel AI SDK.',
  },
  'insights_chat.answer': {
    name: 'Insights chat',
    description: 'Answers a question in the insights chat, streamed.',
  },
} as const satisfies Record<string, FeatureDefinition>;

export type FeatureId = keyof typeof PROMPT_REGISTRY;

export class UnknownFeatureError extends Error {
  override name = 'UnknownFeatureError';
}

export function isFeatureId(id: string): id is FeatureId {
  return Object.hasOwn(PROMPT_REGISTRY, id);
}

/** Throws a clear error when `id` is not registered. */
export function assertFeatureId(id: string): asserts id is FeatureId {
  if (!isFeatureId(id)) {
    throw new UnknownFeatureError(
      `Unknown AI feature id '${id}'. Register it in lib/ai/prompt-registry.ts; known ids: ${Object.keys(PROMPT_REGISTRY).join(', ')}.`,
    );
  }
}

/** The display name of a feature id, or the id itself when it is not (or no longer) registered. */
export function featureName(id: string): string {
  return isFeatureId(id) ? PROMPT_REGISTRY[id].name : id;
}
