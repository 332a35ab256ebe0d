-- Demographic segments of the DC-plan behaviour tables (one definition for enrollment, opt-out and
-- year-over-year conversion; the config's comments give the bands): age young <= 30, mid_career
-- 31-45, mature 46-55, senior 56+; pay low < 50k, moderate < 100k, high < 200k, executive above;
-- job level 1-2 individual, 3-4 senior, 5-6 manager, 7+ executive.
CREATE OR REPLACE MACRO pa_age_segment(age) AS CASE
    WHEN age <= 30 THEN 'young' WHEN age <= 45 THEN 'mid_career' WHEN age <= 55 THEN 'mature' ELSE 'senior' END;
CREATE OR REPLACE MACRO pa_income_segment(pay) AS CASE
    WHEN pay < 50000 THEN 'low' WHEN pay < 100000 THEN 'moderate' WHEN pay < 200000 THEN 'high' ELSE 'executive' END;
CREATE OR REPLACE MACRO pa_level_segment(level_id) AS CASE
    WHEN level_id <= 2 THEN 'individual' WHEN level_id <= 4 THEN 'senior' WHEN level_id <= 6 THEN 'manager' ELSE 'executive' END;

-- Picks the value of a segment from four configured values.
CREATE OR REPLACE MACRO pa_by_age(age, young, mid_career, mature, senior) AS CASE pa_age_segment(age)
    WHEN 'young' THEN young WHEN 'mid_career' THEN mid_career WHEN 'mature' THEN mature ELSE senior END;
CREATE OR REPLACE MACRO pa_by_income(pay, low, moderate, high, executive) AS CASE pa_income_segment(pay)
    WHEN 'low' THEN low WHEN 'moderate' THEN moderate WHEN 'high' THEN high ELSE executive END;
CREATE OR REPLACE MACRO pa_by_level(level_id, individual, senior, manager, executive) AS CASE pa_level_segment(level_id)
    WHEN 'individual' THEN individual WHEN 'senior' THEN senior WHEN 'manager' THEN manager ELSE executive END;
