import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeProject } from './analyze-project';
import { runInventory } from './run-inventory';

const fixture = (name: string): string => path.join(import.meta.dirname, 'fixtures', name);
const repoRoot = path.join(import.meta.dirname, '..', '..');

describe('analyzeProject', () => {
  describe('on a project whose entry points are all attributed', () => {
    it('finds every route, cron route, action and job that reaches OpenAI, with source and features', () => {
      expect(analyzeProject(fixture('clean')).inventory).toEqual({
        entries: [
          {
            // Two layers of helpers (draftLead → writeDraft), a route group and a dynamic segment.
            kind: 'route',
            file: 'app/(sales)/api/leads/[id]/draft/route.ts',
            export: 'POST',
            source: '/api/leads/[id]/draft',
            features: ['leads.draft'],
          },
          {
            kind: 'action',
            file: 'app/actions/ask.ts',
            export: 'ask',
            source: 'action:chat.ask',
            features: ['digest.summary'],
          },
          {
            kind: 'cron',
            file: 'app/api/cron/digest/route.ts',
            export: 'GET',
            source: '/api/cron/digest',
            features: ['digest.summary'],
          },
          {
            kind: 'job',
            file: 'scripts/jobs/nightly.ts',
            export: 'aiJob',
            source: 'job:nightly_drafts',
            features: ['leads.draft'],
          },
        ],
        registeredFeatures: ['digest.summary', 'leads.draft'],
        unusedFeatures: [],
      });
    });
  });
});

describe('runInventory', () => {
  describe('check', () => {
    it('passes on a project whose entry points are all attributed', async () => {
      expect(await runInventory(fixture('clean'), { check: true, compareCommitted: false })).toEqual({
        exitCode: 0,
        lines: ['AI inventory OK: 4 entry points reach OpenAI, 2 registered features all used.'],
      });
    });

    it('fails naming file:line and the fix for an unwrapped action, unknown, unused and non-literal ids', async () => {
      expect(await runInventory(fixture('broken'), { check: true, compareCommitted: false })).toEqual({
        exitCode: 1,
        lines: [
          "app/actions/draft-now.ts:5: server action 'draftNow' reaches OpenAI but is not wrapped in aiAction, so its calls are recorded without a source. Fix: wrap it: export const draftNow = aiAction('<id>', async (...) => ...).",
          "lib/ai/prompt-registry.ts:3: feature 'leads.summary' is registered but never used. Fix: use it at a call site (feature: 'leads.summary') or remove it from PROMPT_REGISTRY.",
          "lib/classify.ts:5: feature id is not a literal. Fix: write the id as a string literal (feature: 'email.sentiment') so the inventory can read it.",
          "lib/summarize.ts:5: feature id 'leads.summarise' is not in PROMPT_REGISTRY. Fix: add 'leads.summarise' to PROMPT_REGISTRY in lib/ai/prompt-registry.ts, or use a registered id.",
        ],
      });
    });

    it('fails naming `npm run inventory` when the committed files are missing or out of date', async () => {
      const result = await runInventory(fixture('clean'), { check: true });
      expect(result).toEqual({
        exitCode: 1,
        lines: [
          'docs/ai-inventory.json:1: the committed inventory is out of date. Fix: run `npm run inventory` and commit the result.',
          'docs/ai-inventory.md:1: the committed inventory is out of date. Fix: run `npm run inventory` and commit the result.',
        ],
      });
    });

    it('passes on this repository: the committed docs/ai-inventory.{md,json} are up to date', async () => {
      expect(await runInventory(repoRoot, { check: true })).toEqual({
        exitCode: 0,
        lines: ['AI inventory OK: 7 entry points reach OpenAI, 9 registered features all used.'],
      });
    });
  });
});
