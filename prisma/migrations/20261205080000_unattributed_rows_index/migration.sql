-- The collector sink's rows awaiting their trace's root: ai_interaction rows without a source, by trace. After
-- each write the sink asks which of the traces it wrote have such rows (TraceRootStore.attribute); almost
-- always none. This partial index holds only the rows still awaiting a root, so writing an attributed row costs
-- it nothing, and it answers "none" without reading any partition's rows. Prisma's schema cannot describe a
-- partial index; schema.prisma says so where the model is defined.
CREATE INDEX "ai_interaction_unattributed_trace_idx" ON "ai_interaction" ("trace_id") WHERE "source" IS NULL;

-- Gives the unattributed rows of these traces their trace's recorded root source; returns how many changed.
-- A function, so its statements' plans are kept for the session: planned afresh for each write, as a statement
-- from the driver is, the lookup across the ledger's partitions took longer to plan (about 5 ms) than to run.
-- The update runs only when a row awaits: a statement trigger (the ledger's rollup) fires even for no rows.
CREATE FUNCTION ai_attribute_awaiting(trace_ids TEXT[]) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
  changed INTEGER;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM ai_interaction AS i WHERE i.source IS NULL AND i.trace_id = ANY(trace_ids)) THEN
    RETURN 0;
  END IF;
  UPDATE ai_interaction AS i SET source = r.source, source_kind = r.source_kind
  FROM trace_root AS r
  WHERE r.trace_id = i.trace_id AND i.source IS NULL AND i.trace_id = ANY(trace_ids);
  GET DIAGNOSTICS changed = ROW_COUNT;
  RETURN changed;
END
$$;
