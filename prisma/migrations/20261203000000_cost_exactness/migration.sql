-- Costs that are a figure but not the exact one: priced from an emitter that drops cache reads (an upper
-- bound), or from token counts the emitter estimated.
ALTER TYPE "CostStatus" ADD VALUE 'upper_bound';
ALTER TYPE "CostStatus" ADD VALUE 'estimated';
