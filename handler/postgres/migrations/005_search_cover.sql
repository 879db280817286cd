-- A covering index for name searches in name order: the search walks it and tests the
-- folded name and the filters inside the index (an index-only scan), so a common name
-- fragment fills a page without touching the table.
CREATE INDEX patients_sort_name_cover ON patients (sort_name, id)
  INCLUDE (name_compact, archived_at, sex, birth_date);
DROP INDEX patients_sort_name;
