-- The rollup's upsert takes its keys in key order. Two statements inserting into ai_interaction at the same
-- time (the collector sink serves requests concurrently) upsert overlapping rollup keys; in the hash
-- aggregate's order, one could lock key A then wait for B while the other held B and waited for A: a
-- deadlock (40P01), which Postgres detects only after deadlock_timeout (1 s) and breaks by failing one of
-- them. In one order for all, the later statement waits for the earlier one instead.
CREATE OR REPLACE FUNCTION ai_interaction_rollup(changed ai_interaction[], sign INTEGER) RETURNS VOID
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
