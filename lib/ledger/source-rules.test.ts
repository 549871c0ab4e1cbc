import { describe, expect, it } from 'vitest';
import { normalizeSource, sourceKindOf, type SourceKind } from './source-rules';

describe('sourceKindOf', () => {
  const rows: [string | undefined | null, SourceKind][] = [
    ['/api/leads/[id]/draft', 'route'],
    ['/api/cron/followups', 'route'],
    ['action:insights_chat.send_message', 'action'],
    ['job:weekly_digest', 'job'],
    ['', 'unattributed'],
    [undefined, 'unattributed'],
    [null, 'unattributed'],
    ['leads', 'unattributed'],
    ['Action:insights_chat.send_message', 'unattributed'],
    ['job', 'unattributed'],
  ];

  it.each(rows)('classifies %j as %s', (source, kind) => {
    expect(sourceKindOf(source)).toBe(kind);
  });
});

describe('normalizeSource', () => {
  const rows: [string, string][] = [
    ['/api/leads/[id]/draft', '/api/leads/[id]/draft'],
    ['/api/leads/123/draft', '/api/leads/[id]/draft'],
    ['/api/leads/123/draft?tone=warm#top', '/api/leads/[id]/draft'],
    ['/api/leads/0f8fad5b-d9cb-469f-a165-70867728950e/draft', '/api/leads/[id]/draft'],
    ['/api/leads/0F8FAD5B-D9CB-469F-A165-70867728950E', '/api/leads/[id]'],
    ['/files/4bf92f3577b34da6/raw', '/files/[id]/raw'],
    ['/orders/01ARZ3NDEKTSV4RRFFQ69G5FAV', '/orders/[id]'],
    ['/u/ada@example.com/inbox', '/u/[id]/inbox'],
    ['/api/v2/chat', '/api/v2/chat'],
    ['/api/cron/followups', '/api/cron/followups'],
    ['/oauth2/callback', '/oauth2/callback'],
    ['/', '/'],
    ['/?q=1', '/'],
    ['action:leads.draft/123', 'action:leads.draft/123'],
    ['job:reindex 42', 'job:reindex 42'],
    ["'); DROP TABLE ai_interaction; --", "'); DROP TABLE ai_interaction; --"],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
  ];

  it.each(rows)('stores %j as %j', (source, expected) => {
    expect(normalizeSource(source)).toBe(expected);
  });
});
