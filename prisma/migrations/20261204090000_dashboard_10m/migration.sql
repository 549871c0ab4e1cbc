-- What `npm run bench:dashboard` at 10,000,000 calls asked for (docs/benchmarks.md).

-- The call log's cost range: a rare bound (cost >= $0.10) read through the started_at index filtered nearly
-- every row of the period. With its own index, and statistics fine enough to see how rare a high cost is, the
-- planner reads the few rows that match.
CREATE INDEX "ai_interaction_cost_usd_idx" ON "ai_interaction"("cost_usd");
ALTER TABLE "ai_interaction" ALTER COLUMN "cost_usd" SET STATISTICS 1000;
ANALYZE "ai_interaction";

-- The customers breakdown reads one key over a day range: an index-only scan of that key's rows (the index
-- holds every column it sums) instead of a scan of every key's.
CREATE INDEX "ai_attribute_daily_key_day_idx" ON "ai_attribute_daily"("key", "day", "value", "calls", "requests", "cost_usd");
