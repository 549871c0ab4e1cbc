-- CreateTable
CREATE TABLE "ai_attribute_block" (
    "key" TEXT NOT NULL,
    "days" INTEGER NOT NULL,
    "start_day" DATE NOT NULL,
    "value" TEXT NOT NULL,
    "calls" BIGINT NOT NULL,
    "cost_usd" DECIMAL(24,12) NOT NULL,
    "requests" BIGINT NOT NULL,

    CONSTRAINT "ai_attribute_block_pkey" PRIMARY KEY ("key","days","start_day","value")
);

-- CreateTable
CREATE TABLE "ai_attribute_block_built" (
    "key" TEXT NOT NULL,
    "days" INTEGER NOT NULL,
    "start_day" DATE NOT NULL,

    CONSTRAINT "ai_attribute_block_built_pkey" PRIMARY KEY ("key","days","start_day")
);

-- CreateIndex
CREATE INDEX "ai_attribute_block_read_idx" ON "ai_attribute_block"("key", "days", "start_day", "value", "calls", "requests", "cost_usd");

-- A call that lands late, in a day of a built block, changes ai_attribute_daily; these triggers add the same
-- change to every built block holding that day, so that a built block always equals the sum of its days. An
-- aligned block holding a day is found by one probe per length (the lengths are lib/db/attribute-blocks.ts's
-- BLOCK_DAYS); the few trailing blocks (TRAILING_DAYS, not powers of two) by their key's range. A statement
-- whose days are in no built block (the usual case: today is in none) writes nothing.
CREATE FUNCTION ai_attribute_block_add(delta ai_attribute_daily[]) RETURNS VOID
LANGUAGE plpgsql AS $$
BEGIN
  -- Statement triggers fire for every upsert of ai_attribute_daily, most of them with nothing to add.
  IF cardinality(delta) = 0 THEN
    RETURN;
  END IF;
  WITH days AS (
    SELECT DISTINCT d.key, d.day FROM unnest(delta) AS d
  ), touched AS (
    SELECT b.key, b.days, b.start_day
    FROM days AS t
    CROSS JOIN (VALUES (2), (4), (8), (16), (32), (64), (128), (256)) AS l (days)
    JOIN ai_attribute_block_built AS b
      ON b.key = t.key AND b.days = l.days AND b.start_day = t.day - (t.day - DATE '1970-01-01') % l.days
    -- UNION, not UNION ALL: two days of one block would otherwise add the block's change twice.
    UNION
    SELECT b.key, b.days, b.start_day
    FROM days AS t
    JOIN ai_attribute_block_built AS b
      ON b.key = t.key AND b.start_day <= t.day AND t.day < b.start_day + b.days
    WHERE b.days NOT IN (2, 4, 8, 16, 32, 64, 128, 256)
  )
  INSERT INTO ai_attribute_block AS a (key, days, start_day, value, calls, cost_usd, requests)
  SELECT s.key, s.days, s.start_day, d.value, sum(d.calls), sum(d.cost_usd), sum(d.requests)
  FROM touched AS s
  JOIN unnest(delta) AS d ON d.key = s.key AND d.day >= s.start_day AND d.day < s.start_day + s.days
  GROUP BY 1, 2, 3, 4
  ORDER BY 1, 2, 3, 4
  ON CONFLICT (key, days, start_day, value) DO UPDATE SET
    calls = a.calls + excluded.calls,
    cost_usd = a.cost_usd + excluded.cost_usd,
    requests = a.requests + excluded.requests;
END
$$;

-- Transition tables allow one event per trigger: a function and a trigger for each.
CREATE FUNCTION ai_attribute_daily_inserted() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ai_attribute_block_add(ARRAY(SELECT ROW(n.*)::ai_attribute_daily FROM new_rows AS n));
  RETURN NULL;
END
$$;

CREATE FUNCTION ai_attribute_daily_updated() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ai_attribute_block_add(ARRAY(
    SELECT ROW(n.day, n.key, n.value, n.calls - o.calls, n.cost_usd - o.cost_usd, n.requests - o.requests)::ai_attribute_daily
    FROM new_rows AS n JOIN old_rows AS o ON o.day = n.day AND o.key = n.key AND o.value = n.value
  ));
  RETURN NULL;
END
$$;

CREATE FUNCTION ai_attribute_daily_deleted() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ai_attribute_block_add(ARRAY(
    SELECT ROW(o.day, o.key, o.value, -o.calls, -o.cost_usd, -o.requests)::ai_attribute_daily FROM old_rows AS o
  ));
  RETURN NULL;
END
$$;

CREATE TRIGGER ai_attribute_daily_block_insert AFTER INSERT ON ai_attribute_daily
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_attribute_daily_inserted();
CREATE TRIGGER ai_attribute_daily_block_update AFTER UPDATE ON ai_attribute_daily
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_attribute_daily_updated();
CREATE TRIGGER ai_attribute_daily_block_delete AFTER DELETE ON ai_attribute_daily
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ai_attribute_daily_deleted();

-- The customers breakdown groups some 100,000 rows by value: planned in parallel, two workers each hash-
-- aggregate, sort and merge them, which took twice as long as one process on two cores (bench:dashboard at
-- 10M calls). A query that calls a PARALLEL UNSAFE function anywhere is planned without workers; this one
-- is IMMUTABLE, so the planner folds it to true and it costs nothing.
CREATE FUNCTION ai_serial_plan() RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS 'SELECT true';
