-- The ledger's rollup trigger, reordered so that concurrent writers wait on each other less, and a new
-- request written once instead of twice. Results are unchanged.
--
-- Every statement that writes calls upserts the rollup rows of its day (ai_interaction_daily,
-- ai_request_daily, ai_attribute_daily), which every other writer of that day needs too: a row upserted is
-- locked until the statement's transaction commits, so writers take turns from their first such upsert. The
-- trigger used to upsert ai_interaction_daily first and then do the request rollup's per-trace work while
-- holding it; the per-trace work (ai_request, one row per trace, shared by no other writer unless it writes
-- calls of the same trace) now comes first, and the shared rows are upserted last, one after the other.
-- Writers lock ai_request rows by trace id, then take turns (one advisory lock, held until commit) for the
-- shared rows: ai_interaction_daily, ai_request_daily, ai_attribute_daily and its blocks.
--
-- A trace new to ai_request used to get a placeholder row that the next statement locked and updated; it is
-- now inserted with its calls at once, and only traces that already have a row are locked and updated.

DROP FUNCTION ai_request_apply(ai_interaction[], ai_interaction[]);

-- Each trace's change from the calls added and removed: what ai_request adds to a request's row.
CREATE FUNCTION ai_request_delta(added ai_interaction[], removed ai_interaction[])
RETURNS TABLE (
  trace_id TEXT, calls BIGINT, error_calls BIGINT, inexact_calls BIGINT, cost_usd NUMERIC,
  started_at TIMESTAMPTZ, ended_at TIMESTAMPTZ, source_kind "SourceKind", source TEXT, service_version TEXT,
  attributes JSONB
)
LANGUAGE sql AS $$
  WITH changed AS (
    SELECT a.*, 1 AS sign FROM unnest(added) AS a
    UNION ALL
    SELECT r.*, -1 AS sign FROM unnest(removed) AS r
  )
  SELECT c.trace_id,
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
  GROUP BY c.trace_id
$$;

-- The requests' own rows: inserts the new ones, locks and updates the others. Returns each touched request
-- as it was (`before`, for those that existed) and as it is now (`after`).
CREATE FUNCTION ai_request_rows(added ai_interaction[], removed ai_interaction[],
  OUT before ai_request[], OUT after ai_request[])
LANGUAGE plpgsql AS $$
DECLARE
  existing TEXT[];
  updated_rows ai_request[];
BEGIN
  -- In trace order, so two statements writing calls of one new trace at once take turns: the second waits
  -- for the first to commit, then finds the row and updates it below like any existing request.
  WITH inserted AS (
    INSERT INTO ai_request (trace_id, day, started_at, ended_at, source, source_kind, service_version, calls,
      error_calls, inexact_calls, cost_usd, attributes)
    SELECT d.trace_id, (coalesce(d.started_at, 'infinity') AT TIME ZONE 'UTC')::DATE,
      coalesce(d.started_at, 'infinity'), coalesce(d.ended_at, '-infinity'), coalesce(d.source, ''),
      coalesce(d.source_kind, 'unattributed'), coalesce(d.service_version, ''), d.calls, d.error_calls,
      d.inexact_calls, d.cost_usd, coalesce(d.attributes, '{}')
    FROM ai_request_delta(added, removed) AS d
    ORDER BY d.trace_id
    ON CONFLICT (trace_id) DO NOTHING
    RETURNING *
  )
  SELECT coalesce(array_agg(ROW(i.*)::ai_request), '{}') INTO after FROM inserted AS i;
  before := '{}';

  existing := ARRAY(
    SELECT a.trace_id FROM unnest(added) AS a
    UNION
    SELECT r.trace_id FROM unnest(removed) AS r
    EXCEPT
    SELECT f.trace_id FROM unnest(after) AS f
    ORDER BY 1
  );
  IF cardinality(existing) = 0 THEN
    RETURN;
  END IF;
  before := ARRAY(SELECT q FROM ai_request AS q WHERE q.trace_id = ANY(existing) ORDER BY q.trace_id FOR UPDATE);
  WITH delta AS (
    SELECT d.* FROM ai_request_delta(
      ARRAY(SELECT ROW(a.*)::ai_interaction FROM unnest(added) AS a WHERE a.trace_id = ANY(existing)),
      ARRAY(SELECT ROW(r.*)::ai_interaction FROM unnest(removed) AS r WHERE r.trace_id = ANY(existing))
    ) AS d
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
  SELECT coalesce(array_agg(ROW(u.*)::ai_request), '{}') INTO updated_rows FROM updated AS u;
  after := after || updated_rows;
END
$$;

-- The rollups of requests, from each touched request before and after: the daily rollup by key (count,
-- calls, cost histogram, exact maximum) and the breakdown keys' values. Requests left with no calls go.
CREATE FUNCTION ai_request_rollup(added ai_interaction[], removed ai_interaction[], before ai_request[],
  after ai_request[]) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
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
  DELETE FROM ai_request AS q WHERE q.trace_id IN (SELECT a.trace_id FROM unnest(after) AS a WHERE a.calls <= 0);

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

-- The transaction-level advisory lock the ledger's writers take before the rollup rows they all share.
CREATE FUNCTION ai_rollup_lock_key() RETURNS BIGINT
LANGUAGE sql IMMUTABLE AS $$ SELECT 7310271226001::BIGINT $$;

CREATE OR REPLACE FUNCTION ai_interaction_rollup_trigger() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  added ai_interaction[] := '{}';
  removed ai_interaction[] := '{}';
  requests RECORD;
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    added := ARRAY(SELECT ROW(n.*)::ai_interaction FROM new_rows AS n);
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    removed := ARRAY(SELECT ROW(o.*)::ai_interaction FROM old_rows AS o);
  END IF;
  IF cardinality(added) = 0 AND cardinality(removed) = 0 THEN
    RETURN NULL;
  END IF;
  -- The statement's own requests first; the rows all writers share last (see the top of this migration).
  SELECT r.before, r.after INTO requests FROM ai_request_rows(added, removed) AS r;
  -- One writer at a time from here to its commit. The rollups below are upserted key by key in order, but
  -- ai_attribute_daily's upsert fires two statement triggers (its inserted rows, then its updated ones), and
  -- each adds to ai_attribute_block in its own order: two writers could each hold a block the other needs
  -- next. Writers of one day already take turns on its rows; this makes the turn whole.
  PERFORM pg_advisory_xact_lock(ai_rollup_lock_key());
  -- An update (the collector sink attributing rows once their trace's root arrives) moves them.
  IF cardinality(removed) > 0 THEN
    PERFORM ai_interaction_rollup(removed, -1);
  END IF;
  IF cardinality(added) > 0 THEN
    PERFORM ai_interaction_rollup(added, 1);
  END IF;
  PERFORM ai_request_rollup(added, removed, requests.before, requests.after);
  RETURN NULL;
END
$$;
