-- Demographic segments of the DC-plan behaviour tables (one definition for enrollment, opt-out and
-- year-over-year conversion; the config's comments give the bands): age young <= 30, mid_career
-- 31-45, mature 46-55, senior 56+; pay low < 50k, moderate < 100k, high < 200k, executive above;
-- job level 1-2 individual, 3-4 senior, 5-6 manager, 7+ executive.
-- Picks the value of a segment from four configured values. One CASE on the value: a macro expands at
-- every use, and picking through the segment's name expanded the value nine times.
CREATE OR REPLACE MACRO pa_by_age(age, young, mid_career, mature, senior) AS CASE
    WHEN age <= 30 THEN young WHEN age <= 45 THEN mid_career WHEN age <= 55 THEN mature ELSE senior END;
CREATE OR REPLACE MACRO pa_by_income(pay, low, moderate, high, executive) AS CASE
    WHEN pay < 50000 THEN low WHEN pay < 100000 THEN moderate WHEN pay < 200000 THEN high ELSE executive END;
CREATE OR REPLACE MACRO pa_by_level(level_id, individual, senior, manager, executive) AS CASE
    WHEN level_id <= 2 THEN individual WHEN level_id <= 4 THEN senior WHEN level_id <= 6 THEN manager ELSE executive END;

-- The segment's name.
CREATE OR REPLACE MACRO pa_age_segment(age) AS pa_by_age(age, 'young', 'mid_career', 'mature', 'senior');
CREATE OR REPLACE MACRO pa_income_segment(pay) AS pa_by_income(pay, 'low', 'moderate', 'high', 'executive');
CREATE OR REPLACE MACRO pa_level_segment(level_id) AS pa_by_level(level_id, 'individual', 'senior', 'manager', 'executive');
