-- No query reads ai_interaction by response_model alone any more: the dashboard, the call log and budgets filter
-- by the billed model, coalesce(response_model, request_model), which ai_interaction_billed_model_started_at_idx
-- serves (migration 20261126010000_call_list_indexes). Every written row still paid for this index, so it goes.
-- On the partitioned ledger, dropping the parent's index drops each partition's.
DROP INDEX "ai_interaction_model_started_at_idx";
