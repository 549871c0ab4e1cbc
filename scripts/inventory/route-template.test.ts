import { describe, expect, it } from 'vitest';
import { routeTemplate } from './route-template';

describe('routeTemplate', () => {
  it.each([
    ['app/api/leads/[id]/draft/route.ts', '/api/leads/[id]/draft'],
    ['app/(sales)/api/leads/[id]/route.ts', '/api/leads/[id]'],
    ['app/api/cron/followups/route.ts', '/api/cron/followups'],
    ['app/route.ts', '/'],
    ['app/@modal/(group)/docs/[...slug]/route.ts', '/docs/[...slug]'],
  ])('maps %s to %s', (file, template) => {
    expect(routeTemplate(file)).toEqual(template);
  });
});
