import { NextResponse } from 'next/server';
import { DocumentSchema, ingestDocument } from '@/lib/flows/ingest-knowledge';
import { flowErrorResponse } from '@/lib/http/flow-error';
import { parseJsonBody } from '@/lib/http/parse-json-body';
import { getLogger } from '@/lib/logger';

/** A document's text may be 200,000 characters; JSON escapes take at most 6 bytes for one. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Ingests a document: embeds its chunks and summarises it (trimmed to the summary's token budget). */
export async function POST(request: Request): Promise<NextResponse> {
  const parsed = await parseJsonBody(request, DocumentSchema, {
    maxBytes: MAX_BODY_BYTES,
    shape: '{"title", "text"}',
    invalid: 'Invalid document.',
  });
  if (!parsed.ok) return parsed.response;
  try {
    const asset = await ingestDocument(parsed.data);
    getLogger().info({ assetId: asset.id, chunks: asset.chunks, trimmed: asset.trimmed }, 'document ingested');
    return NextResponse.json(asset, { status: 201 });
  } catch (error) {
    // Nothing is stored until every AI call has answered.
    return flowErrorResponse(error, 'ingesting the document');
  }
}
