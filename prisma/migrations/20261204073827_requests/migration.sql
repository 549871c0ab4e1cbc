-- AlterTable
ALTER TABLE "ai_interaction" ADD COLUMN     "service_version" TEXT;

-- CreateTable
CREATE TABLE "ai_request" (
    "trace_id" VARCHAR(32) NOT NULL,
    "day" DATE NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "source_kind" "SourceKind" NOT NULL,
    "service_version" TEXT NOT NULL,
    "calls" INTEGER NOT NULL,
    "error_calls" INTEGER NOT NULL,
    "inexact_calls" INTEGER NOT NULL,
    "cost_usd" DECIMAL(24,12) NOT NULL,
    "attributes" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "ai_request_pkey" PRIMARY KEY ("trace_id")
);

-- CreateTable
CREATE TABLE "ai_request_daily" (
    "day" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "source_kind" "SourceKind" NOT NULL,
    "service_version" TEXT NOT NULL,
    "requests" BIGINT NOT NULL,
    "calls" BIGINT NOT NULL,
    "incomplete_requests" BIGINT NOT NULL,
    "cost_usd" DECIMAL(24,12) NOT NULL,
    "max_cost_usd" DECIMAL(24,12) NOT NULL,
    "cost_histogram" INTEGER[],

    CONSTRAINT "ai_request_daily_pkey" PRIMARY KEY ("day","source","source_kind","service_version")
);

-- CreateTable
CREATE TABLE "ai_breakdown_key" (
    "key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ai_breakdown_key_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "ai_attribute_daily" (
    "day" DATE NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "calls" BIGINT NOT NULL,
    "cost_usd" DECIMAL(24,12) NOT NULL,
    "requests" BIGINT NOT NULL,

    CONSTRAINT "ai_attribute_daily_pkey" PRIMARY KEY ("day","key","value")
);

-- CreateIndex
CREATE INDEX "ai_request_started_at_idx" ON "ai_request"("started_at");

-- CreateIndex
CREATE INDEX "ai_request_cost_usd_idx" ON "ai_request"("cost_usd" DESC);

-- CreateIndex
CREATE INDEX "ai_request_source_started_at_idx" ON "ai_request"("source", "started_at");

-- CreateIndex
CREATE INDEX "ai_request_day_key_cost_usd_idx" ON "ai_request"("day", "source", "source_kind", "service_version", "cost_usd");

-- The customers breakdown's keys until SPENDTRACE_BREAKDOWN_KEYS says otherwise (synced at start).
INSERT INTO "ai_breakdown_key" ("key") VALUES ('tenant'), ('user_id'), ('plan');

-- The cost bucket of a request: 0 under $0.0000001, then four buckets per doubling, 135 from about $1,200 up.
CREATE FUNCTION ai_cost_bucket(cost NUMERIC) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN cost IS NULL OR cost < 0.0000001 THEN 0
    ELSE least(135, floor(4 * ln(cost / 0.0000001) / ln(2))::INTEGER + 1)
  END
$$;

-- Counts per bucket (`size` of them) from parallel lists of bucket numbers and signed weights.
CREATE FUNCTION ai_weighted_histogram(buckets INTEGER[], weights INTEGER[], size INTEGER) RETURNS INTEGER[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(coalesce(c.n, 0)::INTEGER ORDER BY i)
  FROM generate_series(0, size - 1) AS i
  LEFT JOIN (SELECT b, sum(w) AS n FROM unnest(buckets, weights) AS t(b, w) GROUP BY b) AS c ON c.b = i
$$;

-- Moves the calls `added` into, and the calls `removed` out of, their requests (ai_request), the requests'
-- daily totals (ai_request_daily) and the breakdown keys' daily totals (ai_attribute_daily). Incremental:
-- a statement reads only its own calls, never the rest of a trace.
CREATE FUNCTION ai_request_apply(added ai_interaction[], removed ai_interaction[]) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
  traces TEXT[];
  before ai_request[];
  after ai_request[];
BEGIN
  traces := ARRAY(
    SELECT t.trace_id FROM (SELECT a.trace_id FROM unnest(added) AS a UNION SELECT r.trace_id FROM unnest(removed) AS r) AS t
    ORDER BY 1
  );
  -- A row for every trace first, so that the next statement can lock each: two statements writing calls of
  -- one trace at once take turns here, in trace order, and the later one reads the earlier one's result.
  INSERT INTO ai_request (trace_id, day, started_at, ended_at, source, source_kind, service_version, calls,
    error_calls, inexact_calls, cost_usd, attributes)
  SELECT t, 'infinity', 'infinity', '-infinity', '', 'unattributed', '', 0, 0, 0, 0, '{}'
  FROM unnest(traces) AS t ORDER BY t
  ON CONFLICT (trace_id) DO NOTHING;
  before := ARRAY(SELECT q FROM ai_request AS q WHERE q.trace_id = ANY(traces) ORDER BY q.trace_id FOR UPDATE);

  WITH changed AS (
    SELECT a.*, 1 AS sign FROM unnest(added) AS a
    UNION ALL
    SELECT r.*, -1 AS sign FROM unnest(removed) AS r
  ), delta AS (
    SELECT c.trace_id,
      sum(c.sign) AS calls,
      sum(c.sign * (c.status = 'error')::INTEGER) AS error_calls,
      sum(c.sign * (c.cost_status NOT IN ('priced', 'not_billable'))::INTEGER) AS inexact_calls,
      sum(c.sign * coalesce(c.cost_usd, 0)) AS cost_usd,
      min(c.started_at) FILTER (WHERE c.sign > 0) AS started_at,
      max(c.started_at + CASE WHEN c.duration_ms BETWEEN 0 AND 1e10 THEN c.duration_ms ELSE 0 END * INTERVAL '1 millisecond')
        FILTER (WHERE c.sign > 0) AS ended_at,
      (array_agg(c.source_kind ORDER BY c.started_at, c.span_id)
        FILTER (WHERE c.sign > 0 AND c.source_kind <> 'unattributed'))[1] AS source_kind,
      (array_agg(coalesce(c.source, '') ORDER BY c.started_at, c.span_id)
        FILTER (WHERE c.sign > 0 AND c.source_kind <> 'unattributed'))[1] AS source,
      (array_agg(c.service_version ORDER BY c.started_at, c.span_id)
        FILTER (WHERE c.sign > 0 AND c.service_version IS NOT NULL))[1] AS service_version,
      (array_agg(c.attributes ORDER BY c.started_at, c.span_id) FILTER (WHERE c.sign > 0))[1] AS attributes
    FROM changed AS c
    GROUP BY c.trace_id
  ), updated AS (
    UPDATE ai_request AS q SET
      calls = q.calls + d.calls,
      error_calls = q.error_calls + d.error_calls,
      inexact_calls = q.inexact_calls + d.inexact_calls,
      cost_usd = q.cost_usd + d.cost_usd,
      started_at = least(q.started_at, d.started_at),
      day = (least(q.started_at, d.started_at) AT TIME ZONE 'UTC')::DATE,
      ended_at = greatest(q.ended_at, d.ended_at),
      source_kind = CASE WHEN q.source_kind <> 'unattributed' THEN q.source_kind ELSE coalesce(d.source_kind, q.source_kind) END,
      source = CASE WHEN q.source_kind <> 'unattributed' THEN q.source ELSE coalesce(d.source, q.source) END,
      service_version = CASE WHEN q.service_version <> '' THEN q.service_version ELSE coalesce(d.service_version, '') END,
      attributes = coalesce(d.attributes, '{}') || q.attributes
    FROM delta AS d
    WHERE q.trace_id = d.trace_id
    RETURNING q.*
  )
  SELECT coalesce(array_agg(ROW(u.*)::ai_request ORDER BY u.trace_id), '{}') INTO after FROM updated AS u;

  -- Each request leaves its old key and histogram bucket and enters its new one.
  WITH moved AS (
    SELECT b.*, -1 AS sign FROM unnest(before) AS b WHERE b.calls > 0
    UNION ALL
    SELECT a.*, 1 AS sign FROM unnest(after) AS a WHERE a.calls > 0
  )
  INSERT INTO ai_request_daily AS d (day, source, source_kind, service_version, requests, calls,
    incomplete_requests, cost_usd, max_cost_usd, cost_histogram)
  SELECT m.day, m.source, m.source_kind, m.service_version,
    sum(m.sign), sum(m.sign * m.calls), sum(m.sign * (m.inexact_calls > 0)::INTEGER), sum(m.sign * m.cost_usd), 0,
    ai_weighted_histogram(array_agg(ai_cost_bucket(m.cost_usd)), array_agg(m.sign), 136)
  FROM moved AS m
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (day, source, source_kind, service_version) DO UPDATE SET
    requests = d.requests + excluded.requests,
    calls = d.calls + excluded.calls,
    incomplete_requests = d.incomplete_requests + excluded.incomplete_requests,
    cost_usd = d.cost_usd + excluded.cost_usd,
    cost_histogram = ai_latency_histogram_add(d.cost_histogram, excluded.cost_histogram);

  -- The exact maximum of every key touched: one backward probe of ai_request_day_key_cost_usd_idx each. The
  -- keys' rows are already locked by the upsert above, so a concurrent statement recomputes after this one.
  UPDATE ai_request_daily AS d SET max_cost_usd = coalesce((
    SELECT max(q.cost_usd) FROM ai_request AS q
    WHERE q.day = d.day AND q.source = d.source AND q.source_kind = d.source_kind
      AND q.service_version = d.service_version AND q.calls > 0
  ), 0)
  WHERE (d.day, d.source, d.source_kind, d.service_version) IN (
    SELECT k.day, k.source, k.source_kind, k.service_version FROM unnest(before) AS k WHERE k.calls > 0
    UNION
    SELECT k.day, k.source, k.source_kind, k.service_version FROM unnest(after) AS k WHERE k.calls > 0
  );
  DELETE FROM ai_request_daily AS d
  WHERE d.requests <= 0 AND (d.day, d.source, d.source_kind, d.service_version) IN (
    SELECT k.day, k.source, k.source_kind, k.service_version FROM unnest(before) AS k WHERE k.calls > 0
  );
  DELETE FROM ai_request AS q WHERE q.trace_id = ANY(traces) AND q.calls <= 0;

  -- Per breakdown key value: the calls carrying it on their own day, the requests on the request's day.
  WITH changed AS (
    SELECT a.*, 1 AS sign FROM unnest(added) AS a
    UNION ALL
    SELECT r.*, -1 AS sign FROM unnest(removed) AS r
  ), moved AS (
    SELECT b.*, -1 AS sign FROM unnest(before) AS b WHERE b.calls > 0
    UNION ALL
    SELECT a.*, 1 AS sign FROM unnest(after) AS a WHERE a.calls > 0
  ), counts AS (
    SELECT (c.started_at AT TIME ZONE 'UTC')::DATE AS day, k.key, c.attributes ->> k.key AS value,
      c.sign AS calls, c.sign * coalesce(c.cost_usd, 0) AS cost_usd, 0 AS requests
    FROM changed AS c JOIN ai_breakdown_key AS k ON c.attributes ? k.key
    UNION ALL
    SELECT m.day, k.key, m.attributes ->> k.key, 0, 0, m.sign
    FROM moved AS m JOIN ai_breakdown_key AS k ON m.attributes ? k.key
  )
  INSERT INTO ai_attribute_daily AS d (day, key, value, calls, cost_usd, requests)
  SELECT n.day, n.key, n.value, sum(n.calls), sum(n.cost_usd), sum(n.requests)
  FROM counts AS n
  GROUP BY 1, 2, 3
  HAVING sum(n.calls) <> 0 OR sum(n.cost_usd) <> 0 OR sum(n.requests) <> 0
  ORDER BY 1, 2, 3
  ON CONFLICT (day, key, value) DO UPDATE SET
    calls = d.calls + excluded.calls,
    cost_usd = d.cost_usd + excluded.cost_usd,
    requests = d.requests + excluded.requests;
END
$$;

-- One trigger function for the rollup and the requests, so each statement's transition tables are read once.
CREATE OR REPLACE FUNCTION ai_interaction_rollup_trigger() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  added ai_interaction[] := '{}';
  removed ai_interaction[] := '{}';
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    added := ARRAY(SELECT ROW(n.*)::ai_interaction FROM new_rows AS n);
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    removed := ARRAY(SELECT ROW(o.*)::ai_interaction FROM old_rows AS o);
  END IF;
  -- An update (the collector sink attributing rows once their trace's root arrives) moves them.
  IF cardinality(removed) > 0 THEN
    PERFORM ai_interaction_rollup(removed, -1);
  END IF;
  IF cardinality(added) > 0 THEN
    PERFORM ai_interaction_rollup(added, 1);
  END IF;
  IF cardinality(added) > 0 OR cardinality(removed) > 0 THEN
    PERFORM ai_request_apply(added, removed);
  END IF;
  RETURN NULL;
END
$$;

-- Calls written before this migration.
SELECT ai_request_apply(ARRAY(SELECT r FROM ai_interaction AS r), '{}');
