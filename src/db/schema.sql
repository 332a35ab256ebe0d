-- PlanAlign database schema, version 2: our metadata tables and the output contract tables whose
-- names and columns follow the reference engine. Amount columns are DECIMAL(18,2) dollars; rates are
-- DECIMAL(7,5) fractions (0.06 = 6 %); event_probability is a DOUBLE in [0, 1].
CREATE TABLE IF NOT EXISTS planalign_schema_version (
    version INTEGER NOT NULL,
    engine_version VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS planalign_runs (
    run_id VARCHAR PRIMARY KEY,
    engine_version VARCHAR NOT NULL,
    rng_version VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    census_hash VARCHAR NOT NULL,
    config_path VARCHAR,
    census_path VARCHAR,
    scenario_id VARCHAR NOT NULL,
    plan_design_id VARCHAR NOT NULL,
    seed BIGINT NOT NULL,
    start_year INTEGER NOT NULL,
    end_year INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,          -- running | completed | failed | interrupted
    error VARCHAR,
    config_json VARCHAR,              -- the canonical JSON hashed into config_hash (NULL: not known)
    parameters_hash VARCHAR DEFAULT 'unknown', -- SHA-256 of parameter_tables
    parameter_tables VARCHAR          -- JSON {table file: SHA-256 of its bytes} of every table read
);

-- One row per rule and year of a run: what the VALIDATION stage found (kept even when the year failed
-- and was rolled back).
CREATE TABLE IF NOT EXISTS planalign_validation_results (
    run_id VARCHAR NOT NULL,
    simulation_year INTEGER NOT NULL,
    rule VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,        -- error | warning | info
    description VARCHAR,
    violations BIGINT NOT NULL,
    sample_rows VARCHAR,              -- JSON array of up to 5 violating rows
    checked_at TIMESTAMP NOT NULL
);

-- One row per completed year, written in that year's transaction.
CREATE TABLE IF NOT EXISTS planalign_checkpoints (
    simulation_year INTEGER PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    config_hash VARCHAR NOT NULL,
    census_hash VARCHAR NOT NULL,
    row_counts VARCHAR NOT NULL,      -- JSON {table: rows of the year}
    content_hashes VARCHAR NOT NULL,  -- JSON {table: order-independent hash of the year's rows}
    created_at TIMESTAMP NOT NULL,
    hash_algorithm VARCHAR NOT NULL,  -- how content_hashes were computed (tied to the DuckDB version)
    parameters_hash VARCHAR DEFAULT 'unknown' -- the parameter tables the year was computed with
);

-- Version 1 -> 2 in place: the columns version 2 added, appended as above (a version-1 run records
-- no config JSON and an unknown parameters hash).
ALTER TABLE planalign_runs ADD COLUMN IF NOT EXISTS config_json VARCHAR;
ALTER TABLE planalign_runs ADD COLUMN IF NOT EXISTS parameters_hash VARCHAR DEFAULT 'unknown';
ALTER TABLE planalign_runs ADD COLUMN IF NOT EXISTS parameter_tables VARCHAR;
ALTER TABLE planalign_checkpoints ADD COLUMN IF NOT EXISTS parameters_hash VARCHAR DEFAULT 'unknown';

CREATE TABLE IF NOT EXISTS fct_yearly_events (
    event_id VARCHAR NOT NULL,
    scenario_id VARCHAR NOT NULL,
    plan_design_id VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    employee_ssn VARCHAR,
    event_type VARCHAR NOT NULL,
    simulation_year INTEGER NOT NULL,
    effective_date DATE NOT NULL,
    event_details VARCHAR,
    compensation_amount DECIMAL(18,2),
    previous_compensation DECIMAL(18,2),
    employee_deferral_rate DECIMAL(7,5),
    prev_employee_deferral_rate DECIMAL(7,5),
    employee_age INTEGER,
    employee_tenure INTEGER,
    level_id INTEGER,
    age_band VARCHAR,
    tenure_band VARCHAR,
    event_probability DOUBLE,
    event_category VARCHAR,
    event_sequence INTEGER,
    created_at TIMESTAMP,
    parameter_scenario_id VARCHAR,
    parameter_source VARCHAR,
    data_quality_flag VARCHAR
);

CREATE TABLE IF NOT EXISTS fct_workforce_snapshot (
    scenario_id VARCHAR NOT NULL,
    plan_design_id VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    employee_ssn VARCHAR,
    employee_birth_date DATE,
    employee_hire_date DATE,
    current_compensation DECIMAL(18,2),
    prorated_annual_compensation DECIMAL(18,2),
    full_year_equivalent_compensation DECIMAL(18,2),
    current_age INTEGER,
    current_tenure INTEGER,
    level_id INTEGER,
    age_band VARCHAR,
    tenure_band VARCHAR,
    employment_status VARCHAR,
    termination_date DATE,
    termination_reason VARCHAR,
    detailed_status_code VARCHAR,
    simulation_year INTEGER NOT NULL,
    employee_eligibility_date DATE,
    waiting_period_days INTEGER,
    current_eligibility_status VARCHAR,
    employee_enrollment_date DATE,
    is_enrolled_flag BOOLEAN,
    current_deferral_rate DECIMAL(7,5),
    participation_status VARCHAR,
    participation_status_detail VARCHAR,
    total_deferral_escalations INTEGER,
    last_escalation_date DATE,
    has_deferral_escalations BOOLEAN,
    original_deferral_rate DECIMAL(7,5),
    total_escalation_amount DECIMAL(7,5),
    prorated_annual_contributions DECIMAL(18,2),
    pre_tax_contributions DECIMAL(18,2),
    roth_contributions DECIMAL(18,2),
    ytd_contributions DECIMAL(18,2),
    irs_limit_reached BOOLEAN,
    effective_annual_deferral_rate DECIMAL(7,5),
    total_contribution_base_compensation DECIMAL(18,2),
    first_contribution_date DATE,
    last_contribution_date DATE,
    contribution_quality_flag VARCHAR,
    employer_match_amount DECIMAL(18,2),
    employer_core_amount DECIMAL(18,2),
    total_employer_contributions DECIMAL(18,2),
    annual_hours_worked INTEGER,
    compensation_quality_flag VARCHAR,
    snapshot_created_at TIMESTAMP,
    -- Ours, after the reference's columns: the 415(c) cuts of the match and the core (schema version
    -- 2; an older snapshot gains them in CheckpointManager.upgradeTables).
    match_415_reduction DECIMAL(18,2),
    core_415_reduction DECIMAL(18,2),
    -- Ours: hours a week (census scheduled_hours_per_week, or 20/40 drawn at hire), carried to the
    -- next year's employer-money hours (int_employer_eligibility.sql).
    scheduled_hours_per_week DECIMAL(5,2)
);

-- Registries: the enrollment and deferral-rate state carried from one year to the next, one row per
-- employee of the year's population and year. Year Y is derived from Y-1's rows and Y's events.
CREATE TABLE IF NOT EXISTS int_enrollment_state_accumulator (
    simulation_year INTEGER NOT NULL,
    employee_id VARCHAR NOT NULL,
    is_enrolled BOOLEAN NOT NULL,              -- enrolled at the end of the year
    enrollment_date DATE,                      -- latest enrollment (census: setup.plan_year_end_date)
    enrollment_method VARCHAR,                 -- census | auto | voluntary | proactive | year_over_year
    enrollment_source VARCHAR NOT NULL,        -- census | event_<year> | carried | none
    ever_opted_out BOOLEAN NOT NULL,
    opt_out_date DATE,
    first_enrollment_year INTEGER,
    years_since_first_enrollment INTEGER,
    enrollment_events_total INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS int_deferral_rate_state_accumulator (
    simulation_year INTEGER NOT NULL,
    employee_id VARCHAR NOT NULL,
    current_deferral_rate DECIMAL(7,5) NOT NULL,   -- at the end of the year
    start_of_year_deferral_rate DECIMAL(7,5) NOT NULL,
    original_deferral_rate DECIMAL(7,5),
    escalations_received INTEGER NOT NULL,         -- total since enrollment
    last_escalation_date DATE,
    total_escalation_amount DECIMAL(7,5) NOT NULL,
    is_enrolled_flag BOOLEAN NOT NULL,             -- current_deferral_rate > 0
    employee_enrollment_date DATE,
    rate_source VARCHAR NOT NULL                   -- census | enrollment_event | escalation_event | opt_out | carried | none
);

-- Vesting service (schema version 4): whole years of service of the year's DC-plan population, to
-- Dec 31 or to the termination date, and the vested fraction of each employer source (0..1). Year Y
-- of the hours method adds Y's credit to Y-1's years (int_vesting_service.sql).
CREATE TABLE IF NOT EXISTS int_vesting_service (
    employee_id VARCHAR NOT NULL,
    simulation_year INTEGER NOT NULL,
    vesting_service_years INTEGER NOT NULL,
    match_vested_percent DECIMAL(7,4) NOT NULL,  -- also the true-up's
    core_vested_percent DECIMAL(7,4) NOT NULL
);

-- Plan accounts (schema version 4): one row per employee, year and source with any amount
-- (fct_account_balances.sql). vested_percent is the share of the closing balance that is vested;
-- termination_year carries a leaver's year to a forfeiture after five breaks.
CREATE TABLE IF NOT EXISTS fct_account_balances (
    employee_id VARCHAR NOT NULL,
    simulation_year INTEGER NOT NULL,
    source VARCHAR NOT NULL,                      -- pre_tax | roth | match | true_up | core
    opening DECIMAL(18,2) NOT NULL,
    contributions DECIMAL(18,2) NOT NULL,
    earnings DECIMAL(18,2) NOT NULL,
    distributions DECIMAL(18,2) NOT NULL,
    forfeitures DECIMAL(18,2) NOT NULL,
    closing DECIMAL(18,2) NOT NULL,
    vested_percent DECIMAL(7,4) NOT NULL,
    vested_balance DECIMAL(18,2) NOT NULL,
    termination_year INTEGER
);

-- The forfeiture account (schema version 4): one row a year (fct_forfeiture_account.sql); the year's
-- opening is the previous year's closing, whatever the policy has not used or reallocated.
CREATE TABLE IF NOT EXISTS fct_forfeiture_account (
    simulation_year INTEGER NOT NULL,
    opening DECIMAL(18,2) NOT NULL,
    forfeitures DECIMAL(18,2) NOT NULL,            -- forfeited this year, available from the next
    used_for_contributions DECIMAL(18,2) NOT NULL,
    used_for_expenses DECIMAL(18,2) NOT NULL,
    reallocated DECIMAL(18,2) NOT NULL,
    closing DECIMAL(18,2) NOT NULL
);
