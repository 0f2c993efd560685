-- The global default scoring configuration, with the defaults of shared/spec/scoring.md:
-- weights 0.50 / 0.25 / 0.25 / 0.00, sub-weights 0.333 / 0.333 / 0.334, Borg CR-10 mapping
-- (4–6 → 100, 3/7 → 80, 2/8 → 60, 0/1/9/10 → 20), BFR 40–60 % AOP, 12 contractions of 2000 ms at 75 % MVC.
insert into scoring_configurations (
  name, is_default,
  weight_compliance, weight_symmetry, weight_effort, weight_game,
  weight_completion, weight_intensity, weight_duration,
  rpe_mapping, bfr_min_aop, bfr_max_aop,
  expected_contractions, target_duration_ms, mvc_threshold_percentage
)
select
  'GHOSTLY+ default', true,
  0.50, 0.25, 0.25, 0.00,
  0.333, 0.333, 0.334,
  '{"0": 20, "1": 20, "2": 60, "3": 80, "4": 100, "5": 100, "6": 100, "7": 80, "8": 60, "9": 20, "10": 20}'::jsonb,
  40, 60,
  12, 2000, 75
where not exists (select 1 from scoring_configurations where is_default);
