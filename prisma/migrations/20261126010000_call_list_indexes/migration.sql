-- Indexes for the dashboard's call list that Prisma's schema cannot describe (an expression and a partial
-- index); schema.prisma says so where the model is defined.

-- The call list filtered by model: WHERE coalesce(response_model, request_model) = $1 ORDER BY started_at DESC.
-- A failed call has no response model, so the billed-model expression, not response_model, is the key.
CREATE INDEX "ai_interaction_billed_model_started_at_idx" ON "ai_interaction" ((coalesce("response_model", "request_model")), "started_at");

-- The call list of failed calls: WHERE status = 'error' ORDER BY started_at DESC.
CREATE INDEX "ai_interaction_errors_started_at_idx" ON "ai_interaction" ("started_at") WHERE "status" = 'error';
