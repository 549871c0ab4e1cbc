-- The two rollup functions the ledger's trigger calls on every write that were still SQL functions, now plpgsql,
-- with the same statements. Postgres parses and plans a SQL function's body on every call (it inlines only
-- simple ones, and these are not); plpgsql keeps each statement's plan for the session. With pg_stat_statements
-- (track_planning) over 420 COPYs of 10 rows on one connection, the daily rollup's upsert inside
-- ai_interaction_rollup was planned 420 times where the plpgsql statements beside it were planned 6 times, and
-- a COPY took 3.2 ms in Postgres before and 2.4 ms after. A small write, as each of several sink replicas
-- makes, gains the most. Results are unchanged: rollup.test.ts and request-rollup.test.ts hold them.
--
-- RETURN QUERY, unlike a SQL function, does not cast: trace_id is VARCHAR(32) in the ledger and TEXT here.

CREATE OR REPLACE FUNCTION ai_interaction_rollup(changed ai_interaction[], sign INTEGER) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
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
    latency_histogram = ai_latency_histogram_add(d.latency_histogram, excluded.latency_histogram);
END
$$;

-- Each trace's change from the calls added and removed: what ai_request adds to a request's row.
CREATE OR REPLACE FUNCTION ai_request_delta(added ai_interaction[], removed ai_interaction[])
RETURNS TABLE (
  trace_id TEXT, calls BIGINT, error_calls BIGINT, inexact_calls BIGINT, cost_usd NUMERIC,
  started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ, source_kind "SourceKind", source TEXT, service_version TEXT,
  attributes JSONB
)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
    WITH changed AS (
      SELECT a.*, 1 AS sign FROM unnest(added) AS a
      UNION ALL
      SELECT r.*, -1 AS sign FROM unnest(removed) AS r
    )
    SELECT c.trace_id::TEXT,
      sum(c.sign),
      sum(c.sign * (c.status = 'error')::INTEGER),
      -- Not exact, as the Completeness panel counts: a bound, an estimate, an unknown price, or a successful
      -- call without usage. A failed call without usage cost nothing, exactly.
      sum(c.sign * (c.cost_status IN ('upper_bound', 'estimated', 'unpriced')
        OR (c.cost_status = 'no_usage' AND c.status = 'ok'))::INTEGER),
      sum(c.sign * coalesce(c.cost_usd, 0)),
      min(c.started_at) FILTER (WHERE c.sign > 0),
      max(c.started_at + CASE WHEN c.duration_ms BETWEEN 0 AND 1e10 THEN c.duration_ms ELSE 0 END * INTERVAL '1 millisecond')
        FILTER (WHERE c.sign > 0),
      (array_agg(c.source_kind ORDER BY c.started_at, c.span_id)
        FILTER (WHERE c.sign > 0 AND c.source_kind <> 'unattributed'))[1],
      (array_agg(coalesce(c.source, '') ORDER BY c.started_at, c.span_id)
        FILTER (WHERE c.sign > 0 AND c.source_kind <> 'unattributed'))[1],
      (array_agg(c.service_version ORDER BY c.started_at, c.span_id)
        FILTER (WHERE c.sign > 0 AND c.service_version IS NOT NULL))[1],
      (array_agg(c.attributes ORDER BY c.started_at, c.span_id) FILTER (WHERE c.sign > 0))[1]
    FROM changed AS c
    GROUP BY c.trace_id;
END
$$;
