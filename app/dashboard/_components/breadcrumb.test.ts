// The breadcrumb rendered to HTML by React, with a source and feature an app (or a hostile client of the
// collector sink) chose: they are shown as text, escaped, and the links keep them inside the query string.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

import { parseFilters } from '@/lib/dashboard/filters';
import { Breadcrumb } from './breadcrumb';

const SQL = "'); DROP TABLE ai_interaction; --";
const HTML = '<script>alert(1)</script>';

describe('Breadcrumb', () => {
  it('shows a source and feature that look like SQL and HTML literally, escaped in the page', () => {
    const parsed = parseFilters({ source: SQL, feature: HTML }, new Date('2026-11-26T06:00:00.000Z'));
    if (!parsed.ok) throw new Error('the filters did not parse');

    expect(renderToStaticMarkup(createElement(Breadcrumb, { filters: parsed.filters }))).toBe(
      '<nav aria-label="Drill-down" class="breadcrumb" data-testid="breadcrumb"><ol>' +
        '<li><a href="/dashboard?period=30d">All sources</a></li>' +
        '<li><a href="/dashboard?period=30d&amp;source=%27%29%3B+DROP+TABLE+ai_interaction%3B+--">&#x27;); DROP TABLE ai_interaction; --</a></li>' +
        '<li><span aria-current="page">&lt;script&gt;alert(1)&lt;/script&gt;</span></li>' +
        '</ol></nav>',
    );
  });
});
