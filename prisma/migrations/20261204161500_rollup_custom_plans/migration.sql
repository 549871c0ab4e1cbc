-- The rollup triggers' statements are planned for each execution (custom plans), never with a cached generic plan.
--
-- A PL/pgSQL function's statements are prepared once per session; after five executions Postgres may keep a
-- generic plan, made without the values of the function's arrays and transition tables. For these statements the
-- generic plans were far slower: on one long-lived connection (the app's exporter's, a sink replica's), batches of
-- 1,000 calls went into ai_interaction at about 2,800 rows/s with them and 11,500 rows/s with custom plans, the
-- rollup trigger taking most of each batch. Planning each statement costs a few milliseconds per batch; the plan
-- then knows how many rows and which traces the batch holds.
--
-- A function's SET applies while it runs, to everything it calls: the request rollup (ai_request_apply), the
-- daily rollup (ai_interaction_rollup) and the attribute blocks' triggers fired by its upserts. Those set it too,
-- for a statement that fires them directly.
ALTER FUNCTION ai_interaction_rollup_trigger() SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ai_request_apply(ai_interaction[], ai_interaction[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ai_attribute_daily_inserted() SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ai_attribute_daily_updated() SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ai_attribute_daily_deleted() SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION ai_attribute_block_add(ai_attribute_daily[]) SET plan_cache_mode = force_custom_plan;
