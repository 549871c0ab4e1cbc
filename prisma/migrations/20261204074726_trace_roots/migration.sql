-- CreateTable
CREATE TABLE "trace_root" (
    "trace_id" VARCHAR(32) NOT NULL,
    "source" TEXT NOT NULL,
    "source_kind" "SourceKind" NOT NULL,
    "seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trace_root_pkey" PRIMARY KEY ("trace_id")
);

-- CreateIndex
CREATE INDEX "trace_root_seen_at_idx" ON "trace_root"("seen_at");
