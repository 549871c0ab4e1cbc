-- CreateTable
CREATE TABLE "ai_interaction_daily" (
    "day" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "source_kind" "SourceKind" NOT NULL,
    "feature_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "operation" "Operation" NOT NULL,
    "status" "InteractionStatus" NOT NULL,
    "cost_status" "CostStatus" NOT NULL,
    "calls" BIGINT NOT NULL,
    "input_tokens" BIGINT NOT NULL,
    "cached_input_tokens" BIGINT NOT NULL,
    "output_tokens" BIGINT NOT NULL,
    "reasoning_tokens" BIGINT NOT NULL,
    "cost_usd" DECIMAL(24,12) NOT NULL,
    "duration_ms_sum" DOUBLE PRECISION NOT NULL,
    "latency_histogram" INTEGER[],

    CONSTRAINT "ai_interaction_daily_pkey" PRIMARY KEY ("day","source","source_kind","feature_id","model","operation","status","cost_status")
);

-- CreateIndex
CREATE INDEX "ai_interaction_attributes_idx" ON "ai_interaction" USING GIN ("attributes" jsonb_path_ops);

-- The rollup is kept by statement-level triggers on ai_interaction: one upsert per distinct key per
-- statement, so a bulk insert of a thousand rows costs a handful of rollup writes, not a thousand.
-- Inserts that skip duplicates (ON CONFLICT DO NOTHING) see only the rows they really inserted.

-- The latency bucket of a duration: 0 under 1 ms, then four buckets per doubling, 65 from 2^16 ms (65.5 s) up.
CREATE FUNCTION ai_latency_bucket(duration_ms DOUBLE PRECISION) RETURNS INTEGER
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN duration_ms IS NULL OR duration_ms < 1 THEN 0
    ELSE least(65, floor(4 * ln(duration_ms) / ln(2))::INTEGER + 1)
  END
$$;

-- Counts per bucket (66 of them) from a list of bucket numbers, multiplied by sign (+1 add, -1 remove).
CREATE FUNCTION ai_latency_histogram(buckets INTEGER[], sign INTEGER) RETURNS INTEGER[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(sign * coalesce(c.n, 0)::INTEGER ORDER BY i)
  FROM generate_series(0, 65) AS i
  LEFT JOIN (SELECT b, count(*) AS n FROM unnest(buckets) AS b GROUP BY b) AS c ON c.b = i
$$;

-- Element-wise sum of two histograms.
CREATE FUNCTION ai_latency_histogram_add(a INTEGER[], b INTEGER[]) RETURNS INTEGER[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i)
  FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;

-- Adds (sign = 1) or removes (sign = -1) rows from the daily rollup.
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

CREATE FUNCTION ai_interaction_rollup_trigger() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM ai_interaction_rollup(ARRAY(SELECT ROW(n.*)::ai_interaction FROM new_rows AS n), 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM ai_interaction_rollup(ARRAY(SELECT ROW(o.*)::ai_interaction FROM old_rows AS o), -1);
  ELSE
    -- An update (the collector sink attributing rows once their trace's root arrives) moves them.
    PERFORM ai_interaction_rollup(ARRAY(SELECT ROW(o.*)::ai_interaction FROM old_rows AS o), -1);
    PERFORM ai_interaction_rollup(ARRAY(SELECT ROW(n.*)::ai_interaction FROM new_rows AS n), 1);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER ai_interaction_rollup_insert AFTER INSERT ON ai_interaction
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_interaction_rollup_trigger();
CREATE TRIGGER ai_interaction_rollup_update AFTER UPDATE ON ai_interaction
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_interaction_rollup_trigger();
CREATE TRIGGER ai_interaction_rollup_delete AFTER DELETE ON ai_interaction
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_interaction_rollup_trigger();

-- Rows written before this migration.
SELECT ai_interaction_rollup(ARRAY(SELECT r FROM ai_interaction AS r), 1);
