-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "SourceKind" AS ENUM ('route', 'action', 'job', 'unattributed');

-- CreateEnum
CREATE TYPE "Operation" AS ENUM ('chat', 'responses', 'embeddings', 'token_count');

-- CreateEnum
CREATE TYPE "CostStatus" AS ENUM ('priced', 'unpriced', 'no_usage', 'not_billable');

-- CreateEnum
CREATE TYPE "InteractionStatus" AS ENUM ('ok', 'error');

-- CreateTable
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

    CONSTRAINT "ai_interaction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ai_interaction_started_at_idx" ON "ai_interaction"("started_at");

-- CreateIndex
CREATE INDEX "ai_interaction_source_started_at_idx" ON "ai_interaction"("source", "started_at");

-- CreateIndex
CREATE INDEX "ai_interaction_feature_started_at_idx" ON "ai_interaction"("feature_id", "started_at");

-- CreateIndex
CREATE INDEX "ai_interaction_model_started_at_idx" ON "ai_interaction"("response_model", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "ai_interaction_trace_span_key" ON "ai_interaction"("trace_id", "span_id");

