-- ai_interaction becomes partitioned by RANGE (started_at), one partition per UTC month, plus a DEFAULT
-- partition so an insert with an unexpected start time (far past or future) never fails. Retention drops
-- whole months (lib/db/partitions.ts); dropping a partition fires no DELETE trigger, so the daily rollups
-- keep the history. Every unique key now includes started_at, the partition key: a retried span keeps its
-- start time, so INSERT .. ON CONFLICT DO NOTHING still lands it once.
--
-- The rows already counted in the rollups are copied into the new table before its triggers exist, so
-- ai_interaction_daily, ai_request, ai_request_daily and ai_attribute_daily stay exactly as they are.

ALTER TABLE "ai_interaction" RENAME TO "ai_interaction_unpartitioned";
ALTER TABLE "ai_interaction_unpartitioned" RENAME CONSTRAINT "ai_interaction_pkey" TO "ai_interaction_unpartitioned_pkey";

-- The rollup functions take arrays of the table's row type, which followed the rename: drop them here and
-- create them again below, unchanged, for the new table's row type.
DROP TRIGGER "ai_interaction_rollup_insert" ON "ai_interaction_unpartitioned";
DROP TRIGGER "ai_interaction_rollup_update" ON "ai_interaction_unpartitioned";
DROP TRIGGER "ai_interaction_rollup_delete" ON "ai_interaction_unpartitioned";
DROP FUNCTION ai_interaction_rollup(ai_interaction_unpartitioned[], INTEGER);
DROP FUNCTION ai_request_apply(ai_interaction_unpartitioned[], ai_interaction_unpartitioned[]);

-- Same columns in the same order (the trigger function builds rows with ROW(n.*)::ai_interaction).
CREATE TABLE "ai_interaction" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" DOUBLE PRECISION NOT NULL,
    "trace_id" VARCHAR(32) NOT NULL,
    "span_id" VARCHAR(16) NOT NULL,
    "parent_span_id" VARCHAR(16),
    "source" TEXT,
    "source_kind" "SourceKind" NOT NULL,
    "feature_id" TEXT,
    "operation" "Operation" NOT NULL,
    "provider" TEXT NOT NULL,
    "request_model" TEXT,
    "response_model" TEXT,
    "input_tokens" INTEGER,
    "cached_input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "reasoning_tokens" INTEGER,
    "total_tokens" INTEGER,
    "cost_usd" DECIMAL(20,12),
    "cost_status" "CostStatus" NOT NULL,
    "price_ref" TEXT,
    "streamed" BOOLEAN NOT NULL DEFAULT false,
    "status" "InteractionStatus" NOT NULL,
    "error_type" TEXT,
    "service_name" TEXT,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "service_version" TEXT,

    CONSTRAINT "ai_interaction_pkey" PRIMARY KEY ("id", "started_at")
) PARTITION BY RANGE ("started_at");

CREATE TABLE "ai_interaction_default" PARTITION OF "ai_interaction" DEFAULT;

-- Creates the partition of one UTC month (named ai_interaction_pYYYY_MM) unless it exists; returns whether it
-- did. Rows of that month waiting in the default partition move into it: they are deleted from and inserted
-- into the partitions by name, statements that fire none of the parent's rollup triggers, so nothing is
-- counted twice. The transaction-scoped advisory lock makes concurrent callers take turns; the later one
-- finds the partition made.
CREATE FUNCTION ai_interaction_ensure_partition(month DATE) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
  first DATE := date_trunc('month', month)::DATE;
  lo TIMESTAMPTZ := first::TIMESTAMP AT TIME ZONE 'UTC';
  hi TIMESTAMPTZ := (first + INTERVAL '1 month') AT TIME ZONE 'UTC';
  name TEXT := 'ai_interaction_p' || to_char(first, 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('spendtrace.ai_interaction_partitions'));
  IF to_regclass(quote_ident(name)) IS NOT NULL THEN
    RETURN FALSE;
  END IF;
  BEGIN
    EXECUTE format('CREATE TABLE %I (LIKE ai_interaction INCLUDING DEFAULTS)', name);
  EXCEPTION WHEN duplicate_table OR unique_violation THEN
    -- Made by a caller that held the lock while this statement's catalog snapshot was taken.
    RETURN FALSE;
  END;
  EXECUTE format(
    'WITH moved AS (DELETE FROM ai_interaction_default WHERE started_at >= $1 AND started_at < $2 RETURNING *) '
    'INSERT INTO %I SELECT * FROM moved', name) USING lo, hi;
  -- A constraint that proves the bounds lets ATTACH skip its validating scan.
  EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (started_at >= %L AND started_at < %L)',
    name, name || '_bounds', lo, hi);
  EXECUTE format('ALTER TABLE ai_interaction ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lo, hi);
  EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', name, name || '_bounds');
  EXECUTE format('ALTER TABLE %I ALTER COLUMN cost_usd SET STATISTICS 1000', name);
  RETURN TRUE;
END
$$;

-- Every month that has rows, the current month and the next three.
SELECT ai_interaction_ensure_partition(m.month)
FROM (
  SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC')::DATE AS month FROM "ai_interaction_unpartitioned"
  UNION
  SELECT (date_trunc('month', now() AT TIME ZONE 'UTC') + n * INTERVAL '1 month')::DATE FROM generate_series(0, 3) AS n
) AS m
ORDER BY m.month;

-- No trigger on the new table yet: the rows keep the rollups they are already counted in.
INSERT INTO "ai_interaction" (
  "id", "created_at", "started_at", "duration_ms", "trace_id", "span_id", "parent_span_id", "source",
  "source_kind", "feature_id", "operation", "provider", "request_model", "response_model", "input_tokens",
  "cached_input_tokens", "output_tokens", "reasoning_tokens", "total_tokens", "cost_usd", "cost_status",
  "price_ref", "streamed", "status", "error_type", "service_name", "attributes", "service_version"
)
SELECT
  "id", "created_at", "started_at", "duration_ms", "trace_id", "span_id", "parent_span_id", "source",
  "source_kind", "feature_id", "operation", "provider", "request_model", "response_model", "input_tokens",
  "cached_input_tokens", "output_tokens", "reasoning_tokens", "total_tokens", "cost_usd", "cost_status",
  "price_ref", "streamed", "status", "error_type", "service_name", "attributes", "service_version"
FROM "ai_interaction_unpartitioned";

DROP TABLE "ai_interaction_unpartitioned";

-- The indexes, as before, now on the parent (each partition gets its own). See schema.prisma for the
-- query each serves.
CREATE UNIQUE INDEX "ai_interaction_trace_span_key" ON "ai_interaction"("trace_id", "span_id", "started_at");
CREATE INDEX "ai_interaction_started_at_idx" ON "ai_interaction"("started_at");
CREATE INDEX "ai_interaction_source_started_at_idx" ON "ai_interaction"("source", "started_at");
CREATE INDEX "ai_interaction_feature_started_at_idx" ON "ai_interaction"("feature_id", "started_at");
CREATE INDEX "ai_interaction_model_started_at_idx" ON "ai_interaction"("response_model", "started_at");
CREATE INDEX "ai_interaction_cost_usd_idx" ON "ai_interaction"("cost_usd");
CREATE INDEX "ai_interaction_attributes_idx" ON "ai_interaction" USING GIN ("attributes" jsonb_path_ops);
-- From 20261126010000_call_list_indexes (Prisma cannot describe them).
CREATE INDEX "ai_interaction_billed_model_started_at_idx" ON "ai_interaction" ((coalesce("response_model", "request_model")), "started_at");
CREATE INDEX "ai_interaction_errors_started_at_idx" ON "ai_interaction" ("started_at") WHERE "status" = 'error';
-- From 20261204090000_dashboard_10m; on the parent it also reaches every existing partition.
ALTER TABLE "ai_interaction" ALTER COLUMN "cost_usd" SET STATISTICS 1000;

-- The rollup functions, unchanged (20261126060000_rollup_lock_order and 20261204073827_requests).
CREATE FUNCTION ai_interaction_rollup(changed ai_interaction[], sign INTEGER) RETURNS VOID
LANGUAGE sql AS $$
  INSERT INTO ai_interaction_daily AS d (
    day, source, source_kind, feature_id, model, operation, status, cost_status,
    calls, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens, cost_usd, duration_ms_sum,
    latency_histogram
  )
  SELECT
    (r.started_at AT TIME ZONE 'UTC')::DATE,
    coalesce(r.source, ''),
    r.source_kind,
    coalesce(r.feature_id, ''),
    coalesce(r.response_model, r.request_model, ''),
    r.operation,
    r.status,
    r.cost_status,
    sign * count(*),
    sign * coalesce(sum(r.input_tokens), 0),
    sign * coalesce(sum(r.cached_input_tokens), 0),
    sign * coalesce(sum(r.output_tokens), 0),
    sign * coalesce(sum(r.reasoning_tokens), 0),
    sign * coalesce(sum(r.cost_usd), 0),
    sign * coalesce(sum(r.duration_ms), 0),
    ai_latency_histogram(array_agg(ai_latency_bucket(r.duration_ms)), sign)
  FROM unnest(changed) AS r
  GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
  ON CONFLICT (day, source, source_kind, feature_id, model, operation, status, cost_status) DO UPDATE SET
    calls = d.calls + excluded.calls,
    input_tokens = d.input_tokens + excluded.input_tokens,
    cached_input_tokens = d.cached_input_tokens + excluded.cached_input_tokens,
    output_tokens = d.output_tokens + excluded.output_tokens,
    reasoning_tokens = d.reasoning_tokens + excluded.reasoning_tokens,
    cost_usd = d.cost_usd + excluded.cost_usd,
    duration_ms_sum = d.duration_ms_sum + excluded.duration_ms_sum,
    latency_histogram = ai_latency_histogram_add(d.latency_histogram, excluded.latency_histogram)
$$;

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
      -- Not exact, as the Completeness panel counts: a bound, an estimate, an unknown price, or a successful
      -- call without usage. A failed call without usage cost nothing, exactly.
      sum(c.sign * (c.cost_status IN ('upper_bound', 'estimated', 'unpriced')
        OR (c.cost_status = 'no_usage' AND c.status = 'ok'))::INTEGER) AS inexact_calls,
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

-- The triggers, as before, on the parent: statement-level, so a statement on the parent fires them once
-- whatever partitions its rows land in; a statement on a partition by name fires none of them.
CREATE TRIGGER ai_interaction_rollup_insert AFTER INSERT ON ai_interaction
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_interaction_rollup_trigger();
CREATE TRIGGER ai_interaction_rollup_update AFTER UPDATE ON ai_interaction
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_interaction_rollup_trigger();
CREATE TRIGGER ai_interaction_rollup_delete AFTER DELETE ON ai_interaction
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_interaction_rollup_trigger();

ANALYZE "ai_interaction";

-- Requests counted a failed call without usage as inexact until now: count again, as above, and the
-- incomplete requests of each day with them.
UPDATE ai_request AS q SET inexact_calls = c.inexact
FROM (
  SELECT i.trace_id, count(*) FILTER (
    WHERE i.cost_status IN ('upper_bound', 'estimated', 'unpriced') OR (i.cost_status = 'no_usage' AND i.status = 'ok')
  )::INTEGER AS inexact
  FROM ai_interaction AS i
  -- The new count is a part of the old: only requests counted inexact can change.
  WHERE i.trace_id IN (SELECT r.trace_id FROM ai_request AS r WHERE r.inexact_calls > 0)
  GROUP BY i.trace_id
) AS c
WHERE c.trace_id = q.trace_id AND q.inexact_calls <> c.inexact;
UPDATE ai_request_daily AS d SET incomplete_requests = coalesce((
  SELECT count(*) FROM ai_request AS q
  WHERE q.day = d.day AND q.source = d.source AND q.source_kind = d.source_kind
    AND q.service_version = d.service_version AND q.calls > 0 AND q.inexact_calls > 0
), 0);
