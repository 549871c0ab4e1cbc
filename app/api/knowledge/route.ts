import { NextResponse } from 'next/server';
import { DocumentSchema, ingestDocument } from '@/lib/flows/ingest-knowledge';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { getLogger } from '@/lib/logger';

/** Ingests a document: embeds its chunks and summarises it (trimmed to the summary's token budget). */
export async function POST(request: Request): Promise<NextResponse> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return NextResponse.json({ error: 'The body must be JSON: {"title", "text"}.' }, { status: 400 });
  }
  const parsed = DocumentSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    return NextResponse.json({ error: 'Invalid document.', issues }, { status: 400 });
  }
  try {
    const asset = await ingestDocument(parsed.data);
    getLogger().info({ assetId: asset.id, chunks: asset.chunks, trimmed: asset.trimmed }, 'document ingested');
    return NextResponse.json(asset, { status: 201 });
  } catch (error) {
    // Nothing is stored until every AI call has answered.
    return flowErrorResponse(error, 'ingesting the document');
  }
}
