// A dashboard breakdown as a CSV download: the same filters as the page, plus the dimension.
import { NextResponse, type NextRequest } from 'next/server';
import { z } from 'zod';
import { breakdownCsv, breakdownCsvFilename } from '@/lib/dashboard/csv';
import { parseFilters } from '@/lib/dashboard/filters';
import { dashboardData } from '@/lib/dashboard/dashboard-data';
import { getLogger } from '@/lib/logger';

// Per request: the data changes with every AI call, and "the last 30 days" with the clock.
export const dynamic = 'force-dynamic';

const DimensionSchema = z.object({
  dimension: z.enum(['source', 'feature', 'model'], { message: 'must be source, feature or model' }),
});

export async function GET(request: NextRequest): Promise<Response> {
  const params: Record<string, string> = {};
  // The first value of a repeated parameter, as the page reads it.
  for (const [key, value] of request.nextUrl.searchParams) params[key] ??= value;
  const dimension = DimensionSchema.safeParse(params);
  const filters = parseFilters(params, new Date());
  const issues = [
    ...(dimension.success ? [] : dimension.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...(filters.ok ? [] : filters.errors),
  ];
  if (!dimension.success || !filters.ok) {
    return NextResponse.json({ error: 'Invalid CSV request.', issues }, { status: 400 });
  }
  let csv: string;
  try {
    const rows = await (await dashboardData()).breakdown(filters.filters, dimension.data.dimension);
    csv = breakdownCsv(dimension.data.dimension, rows);
  } catch (error) {
    getLogger().error({ err: error }, 'breakdown CSV failed');
    return NextResponse.json({ error: 'The database could not be read; try again in a moment.' }, { status: 503 });
  }
  const filename = breakdownCsvFilename(dimension.data.dimension, filters.filters);
  return new Response(csv, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'no-store',
    },
  });
}
