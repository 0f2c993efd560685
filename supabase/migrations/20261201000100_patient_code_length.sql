-- Patient codes are P followed by three to nine digits (app/lib/policy/patient-code.ts). The
-- database refuses longer new codes too; NOT VALID leaves any longer code stored before untouched
-- (none is expected: the app is the only writer), so this migration cannot fail on old data.
alter table patients add constraint patients_code_length check (char_length(code) <= 10) not valid;
