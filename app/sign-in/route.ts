// GET /sign-in: the dashboard's sign-in form (plain HTML; see lib/auth/auth-pages.ts for why).
import type { NextRequest, NextResponse } from 'next/server';
import { closedResponse, signInPageResponse } from '@/lib/auth/auth-responses';
import { getDashboardAccess } from '@/lib/auth/dashboard-access';
import { safeNextPath } from '@/lib/auth/safe-next-path';

export const dynamic = 'force-dynamic';

export function GET(request: NextRequest): NextResponse {
  if (!getDashboardAccess().open) return closedResponse(true);
  return signInPageResponse(safeNextPath(request.nextUrl.searchParams.get('next')), 200);
}
