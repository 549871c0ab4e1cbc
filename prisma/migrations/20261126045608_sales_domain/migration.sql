-- CreateEnum
CREATE TYPE "LeadStatus" AS ENUM ('open', 'won', 'lost');

-- CreateEnum
CREATE TYPE "EmailDirection" AS ENUM ('inbound', 'outbound');

-- CreateEnum
CREATE TYPE "Sentiment" AS ENUM ('positive', 'neutral', 'negative');

-- CreateEnum
CREATE TYPE "DraftKind" AS ENUM ('reply', 'followup');

-- CreateEnum
CREATE TYPE "DraftStatus" AS ENUM ('pending', 'sent');

-- CreateTable
CREATE TABLE "lead" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "company" TEXT NOT NULL,
    "status" "LeadStatus" NOT NULL DEFAULT 'open',
    "last_topic" TEXT NOT NULL,
    "last_contact_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email" (
    "id" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "direction" "EmailDirection" NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "sentiment" "Sentiment",
    "auto_send" BOOLEAN,
    "auto_send_reason" TEXT,
    "draft_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "email_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "draft" (
    "id" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "kind" "DraftKind" NOT NULL,
    "status" "DraftStatus" NOT NULL DEFAULT 'pending',
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "draft_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "follow_up" (
    "id" TEXT NOT NULL,
    "lead_id" TEXT NOT NULL,
    "draft_id" TEXT NOT NULL,
    "days_quiet" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "follow_up_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_asset" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "chars" INTEGER NOT NULL,
    "input_tokens" INTEGER NOT NULL,
    "trimmed" BOOLEAN NOT NULL,
    "summary" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "knowledge_asset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "knowledge_chunk" (
    "asset_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "embedding" REAL[],

    CONSTRAINT "knowledge_chunk_pkey" PRIMARY KEY ("asset_id","position")
);

-- CreateIndex
CREATE UNIQUE INDEX "lead_email_key" ON "lead"("email");

-- CreateIndex
CREATE INDEX "lead_status_last_contact_at_idx" ON "lead"("status", "last_contact_at");

-- CreateIndex
CREATE UNIQUE INDEX "email_draft_id_key" ON "email"("draft_id");

-- CreateIndex
CREATE INDEX "email_lead_created_at_idx" ON "email"("lead_id", "created_at");

-- CreateIndex
CREATE INDEX "draft_lead_status_created_at_idx" ON "draft"("lead_id", "status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "follow_up_draft_id_key" ON "follow_up"("draft_id");

-- CreateIndex
CREATE INDEX "follow_up_lead_id_idx" ON "follow_up"("lead_id");

-- AddForeignKey
ALTER TABLE "email" ADD CONSTRAINT "email_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "email" ADD CONSTRAINT "email_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "draft"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "draft" ADD CONSTRAINT "draft_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up" ADD CONSTRAINT "follow_up_lead_id_fkey" FOREIGN KEY ("lead_id") REFERENCES "lead"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "follow_up" ADD CONSTRAINT "follow_up_draft_id_fkey" FOREIGN KEY ("draft_id") REFERENCES "draft"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "knowledge_chunk" ADD CONSTRAINT "knowledge_chunk_asset_id_fkey" FOREIGN KEY ("asset_id") REFERENCES "knowledge_asset"("id") ON DELETE CASCADE ON UPDATE CASCADE;
